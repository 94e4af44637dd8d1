package io.osprey.plugin.passthrough;

import io.osprey.spi.access.AccessControl;
import io.osprey.spi.access.AccessRequest;
import io.osprey.spi.access.Action;
import io.osprey.spi.access.Admission;
import io.osprey.spi.access.AdmissionRequest;
import io.osprey.spi.bus.StreamKey;
import io.osprey.spi.worker.Tool;
import io.osprey.spi.worker.WorkerResult;
import io.osprey.spi.worker.WorkerSpec;
import io.osprey.spi.worker.Workers;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.jetty.io.EofException;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * The three endpoints' work: the access and admission hooks (protocol {@code passthrough}), the gates, source
 * preparation, the ffprobe run for /info and the ffmpeg run for /download.
 */
final class PassthroughService {

    private static final System.Logger LOG = System.getLogger(PassthroughService.class.getName());
    /** The access hook is about streams; a download is checked as playing this pseudo-stream. */
    static final StreamKey KEY = new StreamKey("passthrough", "download");
    static final String PROTOCOL = "passthrough";

    private final PassthroughConfig config;
    private final Gates gates;
    private final Sources sources;
    private final Workers workers;
    private final AccessControl access;
    private final PassthroughMetrics metrics;
    private final AtomicInteger probes = new AtomicInteger();
    private final AtomicLong ids = new AtomicLong();

    PassthroughService(PassthroughConfig config, Gates gates, Sources sources, Workers workers, AccessControl access,
                       java.util.function.Function<java.util.function.IntSupplier, PassthroughMetrics> metrics) {
        this.config = config;
        this.gates = gates;
        this.sources = sources;
        this.workers = workers;
        this.access = access;
        this.metrics = metrics.apply(probes::get);
    }

    void info(InetSocketAddress remote, Map<String, String> params, Map<String, String> headers, Response response,
              Callback callback) {
        if (probes.incrementAndGet() > config.maxProbes) {
            probes.decrementAndGet();
            metrics.rejected("probes");
            Answers.error(response, callback, busy());
            return;
        }
        AtomicBoolean done = new AtomicBoolean();
        Runnable end = () -> {
            if (done.compareAndSet(false, true)) {
                probes.decrementAndGet();
            }
        };
        authorize(remote, params).thenCompose(admission -> {
            Runnable release = () -> {
                admission.release();
                end.run();
            };
            return sources.prepare(params, headers).thenCompose(src -> {
                CompletableFuture<String> v = probe(src.video(), src);
                CompletableFuture<String> a = src.audio() == null ? CompletableFuture.completedFuture(null)
                        : probe(src.audio(), src);
                return v.thenCombine(a, (vj, aj) -> ProbeInfo.build(src, vj, aj));
            }).whenComplete((x, t) -> release.run());
        }).whenComplete((info, t) -> {
            end.run();
            if (t != null) {
                Refusal r = Refusal.of(t);
                LOG.log(Level.INFO, "passthrough info refused ({0}): {1}", r.status(), r.getMessage());
                Answers.error(response, callback, r);
            } else {
                Answers.json(response, callback, 200, info);
            }
        });
    }

    private CompletableFuture<String> probe(java.net.URI uri, Sources.Prepared src) {
        WorkerSpec spec = WorkerSpec.of(Tool.FFPROBE, "probe", FfmpegArgs.probe(uri, src.headers(), config))
                .withTimeoutMs(config.probeTimeoutMs).withKillGraceMs(200);
        return workers.run(spec, 1 << 20).toCompletableFuture().thenApply((WorkerResult r) -> {
            if (!r.exit().ok()) {
                throw FfmpegErrors.refusal(r.exit(), config.ioTimeoutMs);
            }
            return r.stdoutText();
        });
    }

    /**
     * @param onClientGone registers what to run if Jetty notices the client left before a write fails (while the
     *                     hooks, the resolver or the queue hold the download, or while ffmpeg is still silent)
     */
    void download(InetSocketAddress remote, Map<String, String> params, Map<String, String> headers,
                  Response response, Callback callback, java.util.function.Consumer<Runnable> onClientGone) {
        if (!gates.enter()) {
            metrics.rejected("connections");
            Answers.error(response, callback, busy());
            return;
        }
        long id = ids.incrementAndGet();
        Pending pending = new Pending();
        onClientGone.accept(pending::clientGone);
        AtomicBoolean left = new AtomicBoolean();
        Admission[] admission = new Admission[1];
        Runnable leave = () -> {
            if (left.compareAndSet(false, true)) {
                gates.leave();
                if (admission[0] != null) {
                    admission[0].release();
                }
            }
        };
        long t0 = System.nanoTime();
        authorize(remote, params).thenCompose(a -> {
            admission[0] = a;
            return sources.prepare(params, headers);
        }).thenCompose(src -> {
            long prepared = System.nanoTime();
            metrics.prepare((prepared - t0) / 1e9);
            return pending.queue(gates, config.queueTimeoutMs).handle((ok, t) -> {
                if (t instanceof java.util.concurrent.CancellationException) {
                    throw new Refusal(499, "the client left while queued");
                }
                if (t != null) {
                    metrics.rejected("workers");
                    throw new Refusal(503, "server busy: no worker free within " + config.queueTimeoutMs + " ms",
                            config.retryAfterSeconds);
                }
                metrics.queueWait((System.nanoTime() - prepared) / 1e9);
                return src;
            });
        }).whenComplete((src, t) -> {
            if (t == null && pending.gone) {
                gates.release(); // it got a slot as its client left
            }
            if (t != null || pending.gone) {
                leave.run();
                if (pending.gone) {
                    metrics.ended("client_gone", (System.nanoTime() - t0) / 1e9);
                    LOG.log(Level.DEBUG, "passthrough #{0}: the client left before the remux started", id);
                    callback.failed(new EofException("client went away"));
                    return;
                }
                Refusal r = Refusal.of(t);
                LOG.log(Level.INFO, "passthrough #{0} refused ({1}): {2}", id, r.status(), r.getMessage());
                Answers.error(response, callback, r);
                return;
            }
            pending.started(start(id, src, params, response, callback, () -> {
                gates.release();
                leave.run();
            }));
        });
    }

    /**
     * A download between its connection slot and its worker: what to undo when the client leaves. Jetty reports the
     * disconnect on another thread at any moment, so each step checks {@link #gone} after publishing itself.
     */
    private static final class Pending {
        volatile boolean gone;
        private volatile Gates gates;
        private volatile CompletableFuture<Void> waiter;
        private volatile io.osprey.spi.worker.Worker worker;

        CompletableFuture<Void> queue(Gates g, long timeoutMs) {
            if (gone) {
                return CompletableFuture.failedFuture(new java.util.concurrent.CancellationException());
            }
            CompletableFuture<Void> w = g.worker(timeoutMs);
            gates = g;
            waiter = w;
            if (gone) {
                g.withdraw(w);
            }
            return w;
        }

        void started(io.osprey.spi.worker.Worker w) {
            worker = w;
            if (w != null && gone) {
                w.kill("client went away");
            }
        }

        void clientGone() {
            gone = true;
            io.osprey.spi.worker.Worker w = worker;
            if (w != null) {
                w.kill("client went away");
            }
            CompletableFuture<Void> q = waiter;
            if (q != null) {
                gates.withdraw(q); // false once it holds a slot: the worker (or the end of download) frees that
            }
        }
    }

    private io.osprey.spi.worker.Worker start(long id, Sources.Prepared src, Map<String, String> params,
                                              Response response, Callback callback, Runnable onEnd) {
        String wanted = params.get("filename");
        String name = Filenames.safe(wanted != null && !wanted.isBlank() ? wanted
                : !src.title().isBlank() ? src.title() : ProbeInfo.fromUrl(src.video()));
        String label = "#" + id + " " + src.video().getHost();
        DownloadJob job = new DownloadJob(response, callback, name, config.maxBytes, config.ioTimeoutMs, metrics, label, onEnd);
        WorkerSpec spec = WorkerSpec.of(Tool.FFMPEG, "remux " + label,
                FfmpegArgs.remux(src.video(), src.audio(), src.headers(), config)).withKillGraceMs(500);
        try {
            io.osprey.spi.worker.Worker w = workers.start(spec, job);
            job.attach(w);
            return w;
        } catch (Exception e) {
            onEnd.run();
            LOG.log(Level.ERROR, "passthrough " + label + ": cannot start ffmpeg", e);
            Answers.error(response, callback, new Refusal(500, "cannot start the remux"));
            return null;
        }
    }

    /** The access hook, then the admission hook; a refusal becomes the status they chose. */
    private CompletableFuture<Admission> authorize(InetSocketAddress remote, Map<String, String> params) {
        return access.check(new AccessRequest(Action.PLAY, KEY, PROTOCOL, remote, params)).toCompletableFuture()
                .thenApply(d -> {
                    if (!d.allowed()) {
                        throw new Refusal(d.status(), d.reason());
                    }
                    Admission a = access.admit(new AdmissionRequest(AdmissionRequest.Kind.CONNECTION, PROTOCOL,
                            remote, KEY, params.get("token")));
                    if (!a.admitted()) {
                        throw new Refusal(429, a.reason(), a.retryAfterSeconds());
                    }
                    return a;
                });
    }

    private Refusal busy() {
        return new Refusal(503, "server busy, retry in " + config.retryAfterSeconds + " s", config.retryAfterSeconds);
    }

    Map<String, Object> status() {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("active", (double) gates.active());
        s.put("queued", (double) gates.queued());
        s.put("connections", (double) gates.connections());
        s.put("maxConnections", (double) config.maxConnections);
        s.put("maxWorkers", (double) config.maxWorkers);
        s.put("probes", (double) probes.get());
        s.put("workers", (double) workers.running());
        return s;
    }
}
