package io.osprey.plugin.recorder;

import io.osprey.spi.Health;
import io.osprey.spi.Plugin;
import io.osprey.spi.PluginContext;
import io.osprey.spi.bus.StreamNotFoundException;
import io.osprey.spi.bus.StreamView;
import io.osprey.spi.bus.StreamWatcher;
import io.osprey.spi.bus.SubscribeOptions;
import io.osprey.spi.bus.Subscription;
import io.osprey.spi.metrics.Counter;
import io.osprey.spi.recording.RecordingRegistry;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Records every stream of the configured apps as fragmented MP4 under {@code <dataDir>/mp4/{app}/{stream}/{session}},
 * merges each finished session into a fast-start {@code stream_full.mp4}, completes sessions cut by a crash at the
 * next start, serves recordings ({@code /mp4/...}) with HTTP Range, and registers its sessions with the kernel's
 * recordings registry ({@code GET /api/recordings}, the cleaner); the registration is ready once the sessions a
 * crash left are finished. File I/O runs on the plugin's own writer and merge threads, which stop with it.
 */
public final class Fmp4RecorderPlugin implements Plugin, StreamWatcher, Recording.RecorderPlugin {

    private static final System.Logger LOG = System.getLogger(Fmp4RecorderPlugin.class.getName());

    private final Set<Recording> recordings = ConcurrentHashMap.newKeySet();
    /** Session folders queued for or going through their merge: open for the registry (as are {@link #unfinished}). */
    private final Set<Path> finishing = ConcurrentHashMap.newKeySet();
    private PluginContext ctx;
    private volatile RecorderConfig config;
    private Path mp4Root;
    private ExecutorService writers;
    private ExecutorService merges;
    private volatile boolean stopping;
    private volatile long lastFailureNanos;
    private volatile String lastFailure;
    private Counter writeErrors;
    private Counter droppedFrames;
    private Counter mergeResults;
    private final AtomicInteger pendingMerges = new AtomicInteger();
    /** Sessions whose finish failed (a full disk): tried again when due, until they succeed. */
    private final Map<Path, FinishRetry> unfinished = new ConcurrentHashMap<>();

    /** A session to finish again at {@code dueNanos}; {@code delayMs} doubles at each failure (at most 5 min). */
    private record FinishRetry(SessionDir session, long dueNanos, long delayMs, String reason) {
    }

    @Override
    public String id() {
        return "fmp4-recorder";
    }

    @Override
    public Class<?> configType() {
        return RecorderConfig.class;
    }

    @Override
    public void start(PluginContext context) throws Exception {
        this.ctx = context;
        this.config = context.config(RecorderConfig.class);
        Path data = context.dataDir();
        mp4Root = data.resolve("mp4");
        Files.createDirectories(mp4Root);
        writers = Executors.newFixedThreadPool(config.writerThreads, threads("osprey-recorder-writer"));
        merges = Executors.newSingleThreadExecutor(threads("osprey-recorder-merge"));

        writeErrors = context.metrics().counter("osprey_fmp4_recorder_write_errors_total",
                "recordings stopped by a write error (disk full, I/O error)");
        droppedFrames = context.metrics().counter("osprey_fmp4_recorder_dropped_frames_total",
                "frames a recorder skipped because it fell behind the stream (slow disk)");
        mergeResults = context.metrics().counter("osprey_fmp4_recorder_sessions_finished_total",
                "sessions finished, by outcome (merged, finished, failed, empty)", "outcome");
        context.metrics().gauge("osprey_fmp4_recorder_recordings", "streams being recorded now",
                () -> recordings.stream().filter(r -> r.state() == Recording.State.RECORDING).count());
        context.metrics().gauge("osprey_fmp4_recorder_pending_merges", "sessions waiting to be merged",
                pendingMerges::get);
        context.healthCheck("fmp4-recorder", this::health);

        Mp4Sessions sessions = new Mp4Sessions(mp4Root,
                key -> recordings.stream().anyMatch(r -> r.stream().key().equals(key)
                        && (r.state() == Recording.State.RECORDING || r.state() == Recording.State.WAITING)),
                dir -> finishing.contains(dir) || unfinished.containsKey(dir)); // waiting for a retry: still open
        RecordingRegistry.RecorderRegistration registration = context.recordings().register(sessions);
        recover();
        merges.execute(registration::ready); // after the recovered sessions queued before it
        context.bus().watch(this);
        context.scheduler().scheduleWithFixedDelay(() -> recordings.forEach(Recording::tick), 250, 250,
                TimeUnit.MILLISECONDS);
        context.scheduler().scheduleWithFixedDelay(this::retryUnfinished, 250, 250, TimeUnit.MILLISECONDS);
        if (config.serve) {
            context.http().route("/mp4/*", new VodHandler("/mp4", mp4Root, config, context.access(),
                    sessions));
        }
    }

    /**
     * In place: {@code apps} (live streams of an app no longer recorded finish their session, those of a newly
     * recorded app start one at their next key frame) and the settings of new sessions ({@code mode},
     * {@code segmentMs}, {@code fragmentMs}, {@code maxSegmentMs}, {@code maxFragmentBytes}, {@code merge},
     * {@code keepSegments}, {@code fsyncFragments}, {@code retryMs}: a session in progress keeps what it started
     * with). Serving and thread settings restart the plugin.
     */
    @Override
    public boolean reconfigure(Object newConfig) {
        RecorderConfig next = (RecorderConfig) newConfig;
        RecorderConfig old = config;
        if (next.writerThreads != old.writerThreads || next.serve != old.serve
                || !next.corsOrigin.equals(old.corsOrigin) || next.maxRanges != old.maxRanges
                || next.stopMergeTimeoutMs != old.stopMergeTimeoutMs) {
            return false;
        }
        config = next;
        for (Recording r : recordings) {
            if (!next.records(r.stream().key().app())) {
                r.stop("recording turned off for app " + r.stream().key().app());
            }
        }
        for (StreamView v : ctx.bus().streams()) {
            if (next.records(v.key().app()) && recordings.stream().noneMatch(r -> r.stream().key().equals(v.key()))) {
                onStreamStarted(v);
            }
        }
        return true;
    }

    private static ThreadFactory threads(String name) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    /** Sessions a crash or kill left behind: finish them (cut segments closed, merge) on the merge thread. */
    private void recover() {
        int found = 0;
        try (DirectoryStream<Path> apps = Files.newDirectoryStream(mp4Root)) {
            for (Path app : apps) {
                if (!Files.isDirectory(app, LinkOption.NOFOLLOW_LINKS)) {
                    continue;
                }
                try (DirectoryStream<Path> streams = Files.newDirectoryStream(app)) {
                    for (Path stream : streams) {
                        if (!Files.isDirectory(stream, LinkOption.NOFOLLOW_LINKS)) {
                            continue;
                        }
                        try (DirectoryStream<Path> sessions = Files.newDirectoryStream(stream)) {
                            for (Path dir : sessions) {
                                SessionDir s = Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS) ? SessionDir.of(dir)
                                        : null;
                                if (s != null && SessionFinisher.needsWork(s, config.merge)) {
                                    found++;
                                    LOG.log(Level.INFO, "recorder: {0} was not finished ({1}); finishing it", s,
                                            Files.exists(dir.resolve(SessionDir.MERGE_FAILED),
                                                    LinkOption.NOFOLLOW_LINKS) ? "its finish failed" : "crash?");
                                    merge(s, null);
                                }
                            }
                        }
                    }
                }
            }
        } catch (IOException e) {
            LOG.log(Level.WARNING, "recorder: could not scan " + mp4Root + " for unfinished sessions: " + e);
        }
        if (found > 0) {
            LOG.log(Level.INFO, "recorder: {0} unfinished sessions queued", found);
        }
    }

    @Override
    public void onStreamStarted(StreamView stream) {
        if (stopping || !config.records(stream.key().app())) {
            return;
        }
        Recording r = new Recording(this, stream, config, mp4Root, writers);
        SubscribeOptions opts = new SubscribeOptions("fmp4-recorder", false, true, true, false, 4096, 64L << 20,
                30_000, 0);
        Subscription sub;
        try {
            sub = ctx.bus().subscribe(stream.key(), opts, r);
        } catch (StreamNotFoundException | IllegalStateException gone) {
            return;
        }
        recordings.add(r);
        r.attach(sub);
    }

    @Override
    public void merge(SessionDir session, SessionIndex index) {
        if (!config.merge && index != null) {
            // a cleanly ended session with merging off is complete as it is
            RecordDone.report(ctx.access(), ctx.dataDir(), session, "finished", config.serve);
            return;
        }
        pendingMerges.incrementAndGet();
        finishing.add(session.dir());
        try {
            merges.execute(() -> {
                try {
                    SessionFinisher.Outcome o = SessionFinisher.finish(session, index, config);
                    mergeResults.labels(o.name().toLowerCase(java.util.Locale.ROOT)).inc();
                    if (o == SessionFinisher.Outcome.MERGED || o == SessionFinisher.Outcome.FINISHED) {
                        RecordDone.report(ctx.access(), ctx.dataDir(), session,
                                o.name().toLowerCase(java.util.Locale.ROOT), config.serve);
                    }
                    finished(session, o);
                } finally {
                    finishing.remove(session.dir());
                    pendingMerges.decrementAndGet();
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException stopped) {
            finishing.remove(session.dir());
            pendingMerges.decrementAndGet();
            LOG.log(Level.INFO, "recorder: {0} will be merged at the next start", session);
        }
    }

    /** Remembers a session whose finish failed, to try again; forgets one that made it. On the merge thread. */
    private void finished(SessionDir session, SessionFinisher.Outcome o) {
        Path key = session.dir();
        if (o != SessionFinisher.Outcome.FAILED) {
            if (unfinished.remove(key) != null) {
                LOG.log(Level.INFO, "recorder: {0} finished on a retry ({1})", session,
                        o.name().toLowerCase(java.util.Locale.ROOT));
            }
            return;
        }
        FinishRetry before = unfinished.get(key);
        long delay = before == null ? config.retryMs : Math.min(TimeUnit.MINUTES.toMillis(5), before.delayMs() * 2);
        String reason = withoutPaths(readReason(session));
        unfinished.put(key, new FinishRetry(session, System.nanoTime() + delay * 1_000_000L, delay, reason));
        if (before == null) {
            LOG.log(Level.WARNING, "recorder: {0} could not be finished ({1}); trying again every {2} ms or more",
                    session, reason, delay);
        }
    }

    /** Health is public: the data folder's absolute path is not shown. */
    private String withoutPaths(String s) {
        return s == null ? null : s.replace(mp4Root.toAbsolutePath().toString(), "mp4");
    }

    private static String readReason(SessionDir session) {
        try {
            return Files.readString(session.dir().resolve(SessionDir.MERGE_FAILED)).trim();
        } catch (IOException | RuntimeException e) {
            return "the disk refused even the failure note (full?)";
        }
    }

    /** Periodic: sessions whose finish failed are queued again when due (when space returns, one of them works). */
    private void retryUnfinished() {
        long now = System.nanoTime();
        for (FinishRetry r : unfinished.values()) {
            if (now - r.dueNanos() >= 0 && !stopping) {
                // due again only after this attempt: far in the future until finished() sets the next time
                unfinished.replace(r.session().dir(), r, new FinishRetry(r.session(), now + Long.MAX_VALUE / 2,
                        r.delayMs(), r.reason()));
                merge(r.session(), null);
            }
        }
    }

    @Override
    public void failed(Recording r, String reason) {
        writeErrors.inc();
        lastFailure = r.stream().key() + ": " + withoutPaths(reason);
        lastFailureNanos = System.nanoTime();
    }

    @Override
    public void dropped(long frames) {
        droppedFrames.inc(frames);
    }

    @Override
    public void ended(Recording r) {
        recordings.remove(r);
    }

    private Health health() {
        if (!unfinished.isEmpty()) {
            FinishRetry any = unfinished.values().iterator().next();
            return Health.degraded(unfinished.size() + " recorded session(s) could not be finished and are retried, "
                    + "e.g. " + any.session() + ": " + any.reason());
        }
        String f = lastFailure;
        if (f != null && System.nanoTime() - lastFailureNanos < TimeUnit.MINUTES.toNanos(5)) {
            return Health.degraded("a recording was interrupted by a write error: " + f);
        }
        return Health.OK;
    }

    @Override
    public void stop() throws Exception {
        stopping = true;
        for (Recording r : recordings) {
            r.stop("the recorder is stopping");
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!recordings.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        writers.shutdown();
        if (!writers.awaitTermination(5, TimeUnit.SECONDS)) {
            writers.shutdownNow();
        }
        merges.shutdown();
        if (!merges.awaitTermination(config.stopMergeTimeoutMs, TimeUnit.MILLISECONDS)) {
            LOG.log(Level.WARNING, "recorder: merges still running after {0} ms; they are interrupted and will be"
                    + " completed at the next start", config.stopMergeTimeoutMs);
            merges.shutdownNow();
            merges.awaitTermination(5, TimeUnit.SECONDS);
        }
    }
}
