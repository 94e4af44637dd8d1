package io.osprey.plugin.recorder;

import java.lang.System.Logger.Level;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;

/** Runs tasks one at a time, in order, on a shared pool: one recording's writes never overlap. */
final class SerialExecutor implements Executor {

    private static final System.Logger LOG = System.getLogger(SerialExecutor.class.getName());

    private final Executor pool;
    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean running = new AtomicBoolean();

    SerialExecutor(Executor pool) {
        this.pool = pool;
    }

    @Override
    public void execute(Runnable task) {
        tasks.add(task);
        schedule();
    }

    private void schedule() {
        if (!tasks.isEmpty() && running.compareAndSet(false, true)) {
            try {
                pool.execute(this::runAll);
            } catch (RejectedExecutionException stopping) {
                running.set(false);
                tasks.clear();
            }
        }
    }

    private void runAll() {
        try {
            Runnable r;
            int n = 0;
            while (n++ < 64 && (r = tasks.poll()) != null) {
                try {
                    r.run();
                } catch (RuntimeException | Error e) {
                    LOG.log(Level.ERROR, "recorder task failed", e);
                }
            }
        } finally {
            running.set(false);
            schedule();
        }
    }
}
