package io.osprey.spi;

import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Timers and background work for a plugin, on kernel-owned threads. Tasks still pending when the plugin stops
 * are cancelled; a plugin should not create threads of its own (they would pin its class loader after a hot swap).
 *
 * <p>Tasks must not block for long: the scheduler has few threads, shared by every plugin. An exception thrown by
 * a task is logged against the plugin; a periodic task that throws is not run again.
 */
@ProviderType
public interface Scheduler extends Executor {

    /** Runs {@code task} once after {@code delay}. */
    Registration schedule(Runnable task, long delay, TimeUnit unit);

    /** Runs {@code task} every {@code period}, the first time after {@code initialDelay}; runs never overlap. */
    Registration scheduleWithFixedDelay(Runnable task, long initialDelay, long period, TimeUnit unit);

    /** Runs {@code task} as soon as a worker is free (the shared Jetty thread pool). */
    @Override
    void execute(Runnable task);
}
