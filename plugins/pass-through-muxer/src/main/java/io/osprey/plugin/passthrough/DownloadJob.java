package io.osprey.plugin.passthrough;

import io.osprey.spi.worker.Worker;
import io.osprey.spi.worker.WorkerExit;
import io.osprey.spi.worker.WorkerOutput;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.io.EofException;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * One download: the ffmpeg child's stdout written to the response as it comes, one chunk in flight at a time (the
 * child blocks on its pipe while the client is slow; no selector thread ever waits). The status and headers go out
 * with the first bytes, so a source that fails before producing any gets a proper error status; after that a
 * failure cuts the chunked stream (no last chunk) and is logged. A write that fails (the client left) kills the
 * child at once.
 */
final class DownloadJob implements WorkerOutput {

    private static final System.Logger LOG = System.getLogger(DownloadJob.class.getName());

    private final Response response;
    private final Callback callback;
    private final String filename;
    private final long maxBytes;
    private final long ioTimeoutMs;
    private final PassthroughMetrics metrics;
    private final Runnable onEnd;
    private final String label;
    private final long started = System.nanoTime();
    private final AtomicBoolean ended = new AtomicBoolean();
    private Worker worker;
    private String pendingKill;
    private volatile boolean committed;
    private volatile boolean clientGone;
    private long written;

    DownloadJob(Response response, Callback callback, String filename, long maxBytes, long ioTimeoutMs,
                PassthroughMetrics metrics, String label, Runnable onEnd) {
        this.response = response;
        this.callback = callback;
        this.filename = filename;
        this.maxBytes = maxBytes;
        this.ioTimeoutMs = ioTimeoutMs;
        this.metrics = metrics;
        this.label = label;
        this.onEnd = onEnd;
    }

    void attach(Worker w) {
        String pending;
        synchronized (this) {
            this.worker = w;
            pending = pendingKill;
        }
        if (pending != null) {
            w.kill(pending);
        }
    }

    /** Kills the worker, or remembers to when it is attached (its output can come first). */
    private void kill(String reason) {
        Worker w;
        synchronized (this) {
            w = worker;
            if (w == null) {
                pendingKill = reason;
                return;
            }
        }
        w.kill(reason);
    }

    @Override
    public void onData(ByteBuffer data, Runnable next) {
        if (!committed) {
            committed = true;
            response.setStatus(200);
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, "video/mp4");
            response.getHeaders().put(HttpHeader.CONTENT_DISPOSITION, Filenames.disposition(filename));
            response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
            response.getHeaders().put("X-Content-Type-Options", "nosniff");
            if (response.getRequest().getConnectionMetaData().getHttpVersion() == HttpVersion.HTTP_1_1) {
                // chunked even with Connection: close (which would make the body end at EOF): a cut stream then
                // lacks its last chunk, so the client can tell it from a whole one (RFC 9112 7.1)
                response.getHeaders().put(HttpHeader.TRANSFER_ENCODING, "chunked");
            }
            metrics.firstByte((System.nanoTime() - started) / 1e9);
        }
        int n = data.remaining();
        written += n;
        if (maxBytes > 0 && written > maxBytes) {
            kill("output over maxBytes (" + maxBytes + ")");
            next.run();
            return;
        }
        response.write(false, data, Callback.from(() -> {
            metrics.bytes(n);
            next.run();
        }, failure -> {
            clientGone = true;
            kill("client went away (" + failure.getClass().getSimpleName() + ")");
            next.run();
        }));
    }

    @Override
    public void onExit(WorkerExit exit) {
        if (!ended.compareAndSet(false, true)) {
            return;
        }
        onEnd.run();
        double seconds = (System.nanoTime() - started) / 1e9;
        // at -v error, anything on stderr is an error even when ffmpeg exits 0 (e.g. a source cut short)
        boolean clean = exit.ok() && exit.stderrTail().isBlank();
        if (clientGone) {
            metrics.ended("client_gone", seconds);
            LOG.log(Level.DEBUG, "passthrough {0}: client left after {1} bytes", label, written);
            callback.failed(new EofException("client went away"));
        } else if (!committed) {
            Refusal r = FfmpegErrors.refusal(exit, ioTimeoutMs);
            metrics.ended("failed", seconds);
            LOG.log(Level.WARNING, "passthrough {0}: no media from the source: {1}", label, exit.reason());
            Answers.error(response, callback, r);
        } else if (clean) {
            metrics.ended("complete", seconds);
            LOG.log(Level.INFO, "passthrough {0}: {1} bytes in {2} s", label, written,
                    String.format("%.1f", seconds));
            response.write(true, null, callback);
        } else {
            metrics.ended("failed", seconds);
            LOG.log(Level.WARNING, "passthrough {0}: stream cut after {1} bytes: {2}", label, written,
                    exit.reason());
            callback.failed(new EofException("remux failed: " + exit.reason()));
        }
    }
}
