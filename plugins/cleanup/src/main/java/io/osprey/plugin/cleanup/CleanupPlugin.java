package io.osprey.plugin.cleanup;

import io.osprey.spi.Health;
import io.osprey.spi.Plugin;
import io.osprey.spi.PluginContext;
import io.osprey.spi.metrics.Counter;
import io.osprey.spi.metrics.Gauge;
import io.osprey.spi.recording.RecordingRegistry;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Removes finished recordings and orphaned files by the configured policies ({@link CleanupConfig}), asking the
 * kernel's recordings registry what exists and what is open. Runs on its own thread: at start and whenever a
 * recorder says its crash recovery is done (a recorder not yet ready is left alone), every {@code intervalSeconds},
 * at once when free space
 * falls under the floor (checked every {@code floorCheckSeconds}), and on {@code POST /api/cleanup/run}. Stopping
 * the plugin stops a run before its next file.
 */
public final class CleanupPlugin implements Plugin {

    private static final System.Logger LOG = System.getLogger(CleanupPlugin.class.getName());

    private volatile boolean stopped;
    private final AtomicBoolean queued = new AtomicBoolean();
    private ExecutorService thread;
    private PluginContext ctx;
    private CleanupConfig config;
    private Cleaner cleaner;
    private volatile Cleaner.Report last;
    private volatile boolean startRunDone;
    /** Recorders seen ready (weakly held: a stopped plugin's recorder must not pin its class loader). */
    private final Set<Object> seenReady = Collections.newSetFromMap(new WeakHashMap<>()); // tick thread only
    private volatile long lastRunNanos = System.nanoTime();
    private volatile long lastFloorRunNanos;
    private volatile boolean underFloor;
    private Gauge used;

    @Override
    public String id() {
        return "cleanup";
    }

    @Override
    public Class<?> configType() {
        return CleanupConfig.class;
    }

    @Override
    public void start(PluginContext context) {
        this.ctx = context;
        this.config = context.config(CleanupConfig.class);
        stopped = false;
        startRunDone = false;
        seenReady.clear();
        last = null;
        thread = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "osprey-cleanup");
            t.setDaemon(true);
            return t;
        });
        Counter files = context.metrics().counter("osprey_cleanup_deleted_files_total",
                "files the cleanup plugin removed");
        Counter bytes = context.metrics().counter("osprey_cleanup_deleted_bytes_total",
                "bytes the cleanup plugin removed, by reason (age, orphan, quota, floor)", "reason");
        used = context.metrics().gauge("osprey_disk_used_bytes", "bytes under each recorder's root, at the last scan",
                "root");
        Path data = context.dataDir();
        context.metrics().gauge("osprey_disk_free_bytes", "usable bytes on the data folder's filesystem",
                () -> usable(data));
        cleaner = new Cleaner(() -> context.recordings().recorders(), config, System::currentTimeMillis,
                () -> stopped, (reason, n, b) -> {
                    files.inc(n);
                    bytes.labels(reason.label()).inc(b);
                });
        context.healthCheck("disk", this::health);
        CleanupApi api = new CleanupApi(this);
        context.http().adminRoute("/api/cleanup", api);
        context.http().adminRoute("/api/cleanup/run", api);
        context.scheduler().scheduleWithFixedDelay(this::tick, 0, config.floorCheckSeconds, TimeUnit.SECONDS);
        LOG.log(Level.INFO, "cleanup: {0}", describe());
    }

    CleanupConfig config() {
        return config;
    }

    Cleaner.Report lastReport() {
        return last;
    }

    List<RecordingRegistry.Entry> recorders() {
        return ctx.recordings().recorders();
    }

    /** Periodic: the start run, the interval, the free-space floor. Cheap: a few statfs calls. */
    private void tick() {
        if (stopped) {
            return;
        }
        List<RecordingRegistry.Entry> recorders = recorders();
        boolean newlyReady = false;
        for (RecordingRegistry.Entry e : recorders) {
            if (e.ready()) {
                newlyReady |= seenReady.add(e.recorder());
            }
        }
        if (newlyReady) {
            // at start, or a recorder (re)started and finished its recovery: its root is ours to judge now
            submit(startRunDone ? "recorder ready" : "start", false, null);
            startRunDone = true;
            return;
        }
        long now = System.nanoTime();
        boolean under = config.floorOn() && underFloor(recorders);
        underFloor = under;
        Cleaner.Report r = last;
        // at once under the floor; after a run that could not reach it (or only reported), every 30 s: each is a scan
        boolean reached = r != null && !r.dryRun && !r.floorUnmet();
        if (under && (r == null || reached || now - lastFloorRunNanos > TimeUnit.SECONDS.toNanos(30))) {
            lastFloorRunNanos = now;
            LOG.log(Level.INFO, "cleanup: free space is under the floor ({0}); running now", describeFloor());
            submit("floor", false, null);
        } else if (config.intervalSeconds > 0
                && now - lastRunNanos >= TimeUnit.SECONDS.toNanos(config.intervalSeconds)) {
            submit("interval", false, null);
        }
    }

    private boolean underFloor(List<RecordingRegistry.Entry> recorders) {
        for (RecordingRegistry.Entry e : recorders) {
            try {
                FileStore fs = Files.getFileStore(e.recorder().root());
                if (fs.getUsableSpace() < config.floorBytes(fs.getTotalSpace())) {
                    return true;
                }
            } catch (IOException | RuntimeException missing) {
                // the root does not exist yet
            }
        }
        return false;
    }

    /**
     * Queues a run; {@code result} (if given) completes with its report. Scheduled runs are not queued twice;
     * asked-for runs always are.
     */
    void submit(String trigger, boolean dry, CompletableFuture<Cleaner.Report> result) {
        if (result == null && !queued.compareAndSet(false, true)) {
            return;
        }
        try {
            thread.execute(() -> {
                if (result == null) {
                    queued.set(false);
                }
                try {
                    Cleaner.Report r = runNow(trigger, dry);
                    if (result != null) {
                        result.complete(r);
                    }
                } catch (RuntimeException | Error e) {
                    LOG.log(Level.WARNING, "cleanup: the " + trigger + " run failed", e);
                    if (result != null) {
                        result.completeExceptionally(e);
                    }
                }
            });
        } catch (RejectedExecutionException stopping) {
            queued.set(false);
            if (result != null) {
                result.completeExceptionally(new IllegalStateException("the cleanup plugin is stopping"));
            }
        }
    }

    private Cleaner.Report runNow(String trigger, boolean dry) {
        lastRunNanos = System.nanoTime();
        Cleaner.Report r = cleaner.run(dry, trigger);
        last = r;
        r.used.forEach((root, b) -> used.labels(root.toString()).set(b));
        lastRunNanos = System.nanoTime();
        return r;
    }

    private Health health() {
        Cleaner.Report r = last;
        if (r != null && r.floorUnmet() && underFloor) {
            return Health.degraded("free space is under the floor (" + describeFloor() + ") on " + r.floorUnmet
                    + " and nothing is left to remove");
        }
        return Health.OK;
    }

    String describe() {
        StringBuilder b = new StringBuilder();
        if (config.maxAgeMinutes > 0) {
            b.append("maxAgeMinutes ").append(config.maxAgeMinutes).append(", ");
        }
        if (config.quotaMB > 0) {
            b.append("quotaMB ").append(config.quotaMB).append(", ");
        }
        if (config.floorOn()) {
            b.append("floor ").append(describeFloor()).append(", ");
        }
        if (config.orphanAgeMinutes > 0) {
            b.append("orphanAgeMinutes ").append(config.orphanAgeMinutes).append(", ");
        }
        if (!config.apps.isEmpty()) {
            b.append("overrides for ").append(config.apps.keySet()).append(", ");
        }
        b.append(config.dryRun ? "dry run" : "removing").append(config.keepMerged ? ", keeping merged files" : "");
        return b.toString();
    }

    private String describeFloor() {
        return (config.minFreeMB > 0 ? config.minFreeMB + " MiB" : "")
                + (config.minFreeMB > 0 && config.minFreePercent > 0 ? " or " : "")
                + (config.minFreePercent > 0 ? config.minFreePercent + " %" : "") + " free";
    }

    static double usable(Path p) {
        try {
            return Files.getFileStore(p).getUsableSpace();
        } catch (IOException e) {
            return Double.NaN;
        }
    }

    @Override
    public void stop() throws InterruptedException {
        stopped = true; // a run in progress stops before its next file
        thread.shutdownNow();
        if (!thread.awaitTermination(5, TimeUnit.SECONDS)) {
            LOG.log(Level.WARNING, "cleanup: the run did not stop within 5 s");
        }
    }
}
