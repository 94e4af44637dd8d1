package io.osprey.plugin.httpflv.record;

import io.osprey.spi.PluginContext;
import io.osprey.spi.bus.Frame;
import io.osprey.spi.bus.StreamKey;
import io.osprey.spi.bus.StreamNotFoundException;
import io.osprey.spi.bus.StreamView;
import io.osprey.spi.bus.StreamWatcher;
import io.osprey.spi.bus.SubscribeOptions;
import io.osprey.spi.bus.Subscription;
import io.osprey.spi.bus.SubscriptionListener;
import io.osprey.spi.metrics.Counter;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.function.Predicate;

/**
 * Records streams to {@code <dataDir>/<dir>/{app}/{stream}/{yyyyMMdd_HHmmss}.flv} (the start in UTC): a packager
 * subscription per stream, polled on the bus thread and written on the plugin's scheduler (never on the bus
 * thread), one batch at a time, asking the bus for more only when the batch is on disk, so the bus's bounds keep
 * memory flat if the disk is slow. A disk error stops that recording (logged and counted); the stream goes on.
 */
public final class FlvRecorder implements StreamWatcher, AutoCloseable {

    private static final System.Logger LOG = System.getLogger(FlvRecorder.class.getName());
    private static final DateTimeFormatter NAME = DateTimeFormatter.ofPattern("yyyyMMdd_HHmmss");
    private static final int BATCH = 1024;

    private final PluginContext ctx;
    private final Path root;
    private final Predicate<String> records;
    private final Executor io;
    private final Map<StreamView, Recording> recordings = new ConcurrentHashMap<>();
    private final Counter errors;
    private final Counter bytes;
    private final Counter files;
    private volatile boolean closed;

    public FlvRecorder(PluginContext ctx, Path root, Predicate<String> records) {
        this.ctx = ctx;
        this.root = root;
        this.records = records;
        this.io = ctx.scheduler();
        errors = ctx.metrics().counter("osprey_httpflv_record_errors_total", "FLV recordings stopped by an error");
        bytes = ctx.metrics().counter("osprey_httpflv_record_bytes_total", "bytes written to FLV recordings");
        files = ctx.metrics().counter("osprey_httpflv_record_files_total", "FLV recordings started");
        ctx.metrics().gauge("osprey_httpflv_recordings", "FLV recordings in progress", () -> recordings.size());
    }

    @Override
    public synchronized void onStreamStarted(StreamView stream) {
        if (closed || !records.test(stream.key().app()) || recordings.containsKey(stream)) {
            return;
        }
        Recording r = new Recording(stream.key());
        try {
            r.sub = ctx.bus().subscribe(stream.key(), SubscribeOptions.packager("flv-record"), r);
        } catch (StreamNotFoundException | IllegalStateException e) {
            return;
        }
        recordings.put(stream, r);
        r.sub.demand();
    }

    /**
     * Applies a changed choice of recorded apps to the streams live now (recording switched on or off while live):
     * streams no longer recorded have their file finished, streams now recorded start a new file at their next key
     * frame. Viewers are not concerned: recording has its own subscription.
     */
    public void refresh() {
        for (var e : recordings.entrySet()) {
            if (!records.test(e.getKey().key().app())) {
                e.getValue().finish("recording turned off");
            }
        }
        for (StreamView v : ctx.bus().streams()) {
            if (!recordings.containsKey(v)) {
                onStreamStarted(v);
            }
        }
    }

    /** Files being written now (for tests and the admin view). */
    public List<Path> active() {
        List<Path> out = new ArrayList<>();
        for (Recording r : recordings.values()) {
            FlvFileWriter w = r.writer;
            if (w != null) {
                out.add(w.path());
            }
        }
        return out;
    }

    /** Finishes every recording now (plugin stopping): what was received is written and the files closed. */
    @Override
    public void close() {
        closed = true;
        for (Recording r : recordings.values()) {
            r.finish("plugin stopping");
        }
        recordings.clear();
    }

    private Path newFile(StreamKey key) throws IOException {
        Path dir = root.resolve(key.app()).resolve(key.name());
        Files.createDirectories(dir);
        String stamp = LocalDateTime.now(ZoneOffset.UTC).format(NAME); // UTC, as every recording name
        Path p = dir.resolve(stamp + ".flv");
        for (int i = 1; Files.exists(p); i++) {
            p = dir.resolve(stamp + "_" + i + ".flv");
        }
        return p;
    }

    /** One stream's recording. */
    private final class Recording implements SubscriptionListener {
        private final StreamKey key;
        private volatile Subscription sub;
        private volatile FlvFileWriter writer;
        private boolean done;

        Recording(StreamKey key) {
            this.key = key;
        }

        @Override
        public void onReadable(Subscription s) { // bus thread: poll only, write elsewhere
            List<Frame> batch = new ArrayList<>();
            int n = s.poll(batch, BATCH);
            io.execute(() -> write(s, batch, n));
        }

        private synchronized void write(Subscription s, List<Frame> batch, int n) {
            try {
                writeBatch(s, batch, n);
            } finally {
                batch.forEach(Frame::release); // written to the file (or dropped)
            }
        }

        private void writeBatch(Subscription s, List<Frame> batch, int n) {
            if (done) {
                return;
            }
            if (n < 0) {
                finish(s.endReason());
                return;
            }
            try {
                if (!batch.isEmpty()) {
                    if (writer == null) {
                        FlvFileWriter w = new FlvFileWriter(newFile(key));
                        writer = w;
                        files.inc();
                        LOG.log(Level.INFO, "recording {0} to {1}", key, w.path());
                        w.begin(s.stream().tracks(), s.stream().metadata());
                    }
                    long before = writer.size();
                    writer.write(batch, s.stream().tracks());
                    bytes.inc(writer.size() - before);
                }
            } catch (IOException | RuntimeException e) {
                errors.inc();
                LOG.log(Level.WARNING, "recording " + key + " stopped: " + e + " (the stream goes on)");
                done = true;
                s.close();
                closeWriter();
                recordings.values().remove(this);
                return;
            }
            s.demand();
        }

        synchronized void finish(String why) {
            if (done) {
                return;
            }
            done = true;
            Subscription s = sub;
            if (s != null) {
                s.close();
            }
            FlvFileWriter w = writer;
            closeWriter();
            recordings.values().remove(this);
            if (w != null) {
                LOG.log(Level.INFO, "recording {0} finished ({1}): {2}, {3} ms, {4} bytes", key, why, w.path(),
                        w.durationMillis(), w.size());
            }
        }

        private void closeWriter() {
            FlvFileWriter w = writer;
            if (w == null) {
                return;
            }
            try {
                w.close();
            } catch (IOException e) {
                errors.inc();
                LOG.log(Level.WARNING, "recording " + key + ": closing " + w.path() + " failed: " + e);
            }
        }
    }
}
