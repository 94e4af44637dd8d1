package io.osprey.kernel.worker;

import io.osprey.spi.worker.Tool;
import io.osprey.spi.worker.WorkerExit;
import io.osprey.spi.worker.WorkerOutput;
import io.osprey.spi.worker.WorkerSpec;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The kernel's one worker service: resolves the bundled ffmpeg/ffprobe once, starts children for plugins
 * ({@link PluginWorkers}), counts them, records their pids ({@link PidFiles}) and kills every child left at JVM
 * shutdown. A {@code kill -9} of the server cannot run the hook (Java has no {@code PR_SET_PDEATHSIG}): a child
 * writing to stdout dies of SIGPIPE at its next write, and the pid files let the next start kill the rest.
 */
public final class WorkerHost implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(WorkerHost.class.getName());

    /** glibc malloc settings for the bundled tools, unless the environment already has them. */
    static final java.util.Map<String, String> MALLOC = java.util.Map.of("MALLOC_MMAP_THRESHOLD_", "4194304",
            "MALLOC_TRIM_THRESHOLD_", "134217728", "MALLOC_ARENA_MAX", "4");

    private final ScheduledExecutorService scheduler;
    private final PidFiles pids;
    private final Set<WorkerProcess> live = ConcurrentHashMap.newKeySet();
    private final Thread shutdownHook;
    private final Counter started;
    private final Counter failed;
    private final Counter killed;
    private final java.util.Map<Tool, String> executables = new java.util.concurrent.ConcurrentHashMap<>();

    public WorkerHost(ScheduledExecutorService scheduler, Path dataDir, PrometheusRegistry registry) {
        this.scheduler = scheduler;
        this.pids = new PidFiles(dataDir.resolve("workers"));
        pids.sweep();
        this.started = Counter.builder().name("osprey_workers_started").help("Worker processes started")
                .labelNames("plugin", "tool").withoutExemplars().register(registry);
        this.failed = Counter.builder().name("osprey_workers_failed")
                .help("Worker processes that could not start or ended with a non-zero status on their own")
                .labelNames("plugin", "tool").withoutExemplars().register(registry);
        this.killed = Counter.builder().name("osprey_workers_killed")
                .help("Worker processes killed (client gone, timeout, plugin stop, shutdown)")
                .labelNames("plugin", "tool").withoutExemplars().register(registry);
        GaugeWithCallback.builder().name("osprey_workers_running").help("Worker processes running now")
                .callback(cb -> cb.call(live.size())).register(registry);
        this.shutdownHook = new Thread(this::killAllNow, "osprey-worker-shutdown");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /** A plugin's view; {@link PluginWorkers#close()} kills what it started. */
    public PluginWorkers forPlugin(String pluginId) {
        return new PluginWorkers(this, pluginId);
    }

    /** The executable of a bundled tool, resolved once (JavaCPP unpacks the natives into its cache). */
    public Path executable(Tool tool) {
        Class<?> preset = switch (tool) {
            case FFMPEG -> org.bytedeco.ffmpeg.ffmpeg.class;
            case FFPROBE -> org.bytedeco.ffmpeg.ffprobe.class;
            default -> throw new IllegalArgumentException("no bundled executable for " + tool);
        };
        // a failed load throws and caches nothing, so the next call tries again
        return Path.of(executables.computeIfAbsent(tool, t -> load(preset)));
    }

    private static String load(Class<?> c) {
        try {
            String path = org.bytedeco.javacpp.Loader.load(c);
            if (path == null) {
                throw new IllegalStateException("the bytedeco natives have no " + c.getSimpleName() + " executable");
            }
            return path;
        } catch (RuntimeException | UnsatisfiedLinkError e) {
            throw new IllegalStateException("cannot load the bundled " + c.getSimpleName() + ": " + e.getMessage(), e);
        }
    }

    WorkerProcess start(String owner, WorkerSpec spec, WorkerOutput output) throws IOException {
        return start(owner, spec, output, 0);
    }

    /** Starts a child; with {@code stdinBytes > 0} its stdin stays open behind a {@link StdinPump} of that bound. */
    WorkerProcess start(String owner, WorkerSpec spec, WorkerOutput output, int stdinBytes) throws IOException {
        List<String> cmd = new ArrayList<>();
        if (spec.tool() == Tool.EXTERNAL) {
            cmd.add(spec.executable());
        } else {
            cmd.add(executable(spec.tool()).toString());
            cmd.add("-hide_banner");
            if (spec.tool() == Tool.FFMPEG && stdinBytes == 0) {
                cmd.add("-nostdin"); // ffprobe never reads stdin and has no such option
            }
        }
        cmd.addAll(spec.args());
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectInput(ProcessBuilder.Redirect.PIPE);
        if (spec.tool() != Tool.EXTERNAL) {
            // the bundled executables find their libav* and libva* next to themselves
            String dir = Path.of(cmd.get(0)).getParent().toString();
            String old = pb.environment().get("LD_LIBRARY_PATH");
            pb.environment().put("LD_LIBRARY_PATH", old == null || old.isEmpty() ? dir : dir + ":" + old);
            // bin/osprey exports these for the JVM; set here too, so children started by an embedded or test server
            // get them: ffmpeg's fragments (megabytes) then stay in malloc's arenas instead of being mmapped, zeroed
            // and unmapped each time, which halved its CPU per MB in bench/run.sh passthrough (docs/pass-through.md)
            MALLOC.forEach(pb.environment()::putIfAbsent);
        }
        String tool = tool(spec.tool());
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            failed.labelValues(owner, tool).inc();
            throw new IOException("cannot start " + cmd.get(0) + " for " + spec.name() + ": " + e.getMessage(), e);
        }
        StdinPump stdin = stdinBytes > 0 ? new StdinPump(p.getOutputStream(), stdinBytes) : null;
        if (stdin == null) {
            try {
                p.getOutputStream().close(); // stdin: EOF at once (ffmpeg runs with -nostdin)
            } catch (IOException ignored) {
                // nothing to close
            }
        }
        WorkerProcess w = new WorkerProcess(this, owner, spec, p, output, stdin);
        live.add(w);
        pids.add(p.toHandle());
        started.labelValues(owner, tool).inc();
        w.begin();
        return w;
    }

    void ended(WorkerProcess w, WorkerExit exit) {
        live.remove(w);
        pids.remove(w.pid());
        if (!exit.killed() && exit.exitCode() != 0) {
            failed.labelValues(w.owner(), tool(w.spec().tool())).inc();
        }
    }

    void killed(WorkerProcess w) {
        killed.labelValues(w.owner(), tool(w.spec().tool())).inc();
    }

    /** The metric label of a tool. */
    private static String tool(Tool t) {
        return t.name().toLowerCase(java.util.Locale.ROOT);
    }

    Thread thread(String name, Runnable body) {
        Thread t = new Thread(body, name);
        t.setDaemon(true);
        return t;
    }

    /**
     * Runs {@code task} after {@code ms}; if the scheduler is gone (shutdown), runs it now. Returns what cancels it
     * (a no-op when it ran at once).
     */
    Runnable schedule(Runnable task, long ms) {
        try {
            java.util.concurrent.ScheduledFuture<?> f = scheduler.schedule(task, ms, TimeUnit.MILLISECONDS);
            return () -> f.cancel(false);
        } catch (RejectedExecutionException e) {
            task.run();
            return () -> { };
        }
    }

    int running() {
        return live.size();
    }

    private void killAllNow() {
        for (WorkerProcess w : live) {
            w.kill("server shutting down");
            w.forceIfAlive();
        }
    }

    @Override
    public void close() {
        killAllNow();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException e) {
            // already shutting down: the hook runs anyway
        }
        if (!live.isEmpty()) {
            LOG.log(Level.INFO, "{0} worker(s) killed at server stop", live.size());
        }
    }
}
