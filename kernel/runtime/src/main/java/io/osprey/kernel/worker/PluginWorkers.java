package io.osprey.kernel.worker;

import io.osprey.spi.worker.Tool;
import io.osprey.spi.worker.Worker;
import io.osprey.spi.worker.WorkerExit;
import io.osprey.spi.worker.WorkerOutput;
import io.osprey.spi.worker.WorkerResult;
import io.osprey.spi.worker.WorkerSpec;
import io.osprey.spi.worker.Workers;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/** One plugin's workers: {@link #close()} (when the plugin stops) kills each still running and waits for it. */
public final class PluginWorkers implements Workers, AutoCloseable {

    private final WorkerHost host;
    private final String owner;
    private final Set<WorkerProcess> mine = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    PluginWorkers(WorkerHost host, String owner) {
        this.host = host;
        this.owner = owner;
    }

    @Override
    public Worker start(WorkerSpec spec, WorkerOutput output) throws IOException {
        return start(spec, output, 0);
    }

    @Override
    public Worker startWithInput(WorkerSpec spec, int maxQueuedBytes, WorkerOutput output) throws IOException {
        if (maxQueuedBytes < 1) {
            throw new IllegalArgumentException("maxQueuedBytes must be at least 1: " + maxQueuedBytes);
        }
        return start(spec, output, maxQueuedBytes);
    }

    private Worker start(WorkerSpec spec, WorkerOutput output, int stdinBytes) throws IOException {
        if (closed) {
            throw new IllegalStateException("plugin " + owner + " is stopped");
        }
        WorkerProcess w = host.start(owner, spec, output, stdinBytes);
        mine.add(w);
        w.exit().whenComplete((e, t) -> mine.remove(w));
        if (closed) { // raced with close(): it may have missed this one
            w.kill("plugin " + owner + " stopped");
        }
        return w;
    }

    @Override
    public CompletionStage<WorkerResult> run(WorkerSpec spec, int maxStdoutBytes) {
        CompletableFuture<WorkerResult> result = new CompletableFuture<>();
        Collector out = new Collector(maxStdoutBytes, result);
        try {
            out.attach(start(spec, out));
        } catch (IOException | RuntimeException e) {
            result.completeExceptionally(e);
        }
        return result;
    }

    /**
     * Keeps a run's stdout up to its bound. Its first chunk can arrive before {@code start} has returned the worker,
     * so a chunk over the bound then only marks the run, and {@link #attach} kills it.
     */
    private static final class Collector implements WorkerOutput {
        private final int max;
        private final CompletableFuture<WorkerResult> result;
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();
        private volatile Worker worker;
        private volatile boolean over;

        Collector(int max, CompletableFuture<WorkerResult> result) {
            this.max = max;
            this.result = result;
        }

        void attach(Worker w) {
            worker = w;
            if (over) {
                kill(w);
            }
        }

        private void kill(Worker w) {
            w.kill("stdout over " + max + " bytes");
        }

        @Override
        public void onData(ByteBuffer data, Runnable next) {
            if (over || out.size() + data.remaining() > max) {
                over = true;
                Worker w = worker;
                if (w != null) {
                    kill(w);
                }
            } else {
                byte[] b = new byte[data.remaining()];
                data.get(b);
                out.writeBytes(b);
            }
            next.run();
        }

        @Override
        public void onExit(WorkerExit exit) {
            // it may have ended before it could be killed: its output was still over the bound
            WorkerExit e = over && !exit.killed() ? new WorkerExit(exit.exitCode(), "stdout over " + max + " bytes",
                    exit.stderrTail(), exit.stdoutBytes(), exit.durationMs()) : exit;
            result.complete(new WorkerResult(e, out.toByteArray()));
        }
    }

    @Override
    public Path executable(Tool tool) {
        return host.executable(tool);
    }

    @Override
    public int running() {
        return mine.size();
    }

    /** Kills every worker of this plugin and waits (bounded by the longest grace plus a second) for each to end. */
    @Override
    public void close() {
        closed = true;
        List<WorkerProcess> all = List.copyOf(mine);
        long grace = 0;
        for (WorkerProcess w : all) {
            w.kill("plugin " + owner + " stopped");
            grace = Math.max(grace, w.spec().killGraceMs());
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(grace + 1000);
        for (WorkerProcess w : all) {
            long left = deadline - System.nanoTime();
            try {
                w.exit().toCompletableFuture().get(Math.max(1, left), TimeUnit.NANOSECONDS);
            } catch (Exception e) {
                w.forceIfAlive();
            }
        }
    }
}
