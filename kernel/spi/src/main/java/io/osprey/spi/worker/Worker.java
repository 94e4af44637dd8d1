package io.osprey.spi.worker;

import java.util.concurrent.CompletionStage;
import org.osgi.annotation.versioning.ProviderType;

/**
 * One running child process started by {@link Workers#start}. Thread-safe.
 */
@ProviderType
public interface Worker {

    /** The child's process id (for logs and tests). */
    long pid();

    /** The spec's name. */
    String name();

    /** Whether the process is still running. */
    boolean isAlive();

    /**
     * Ends the child: SIGTERM to it and its descendants, SIGKILL after the spec's grace if it is still alive. Returns
     * at once; the first reason given is kept and reported in {@link WorkerExit#killReason()}. Stdout not yet
     * delivered is discarded. Harmless after the child ended.
     */
    void kill(String reason);

    /**
     * The child's stdin, for a worker started with {@link Workers#startWithInput}.
     *
     * @throws IllegalStateException if it was started without one ({@link Workers#start}: stdin is closed at once)
     * @since 1.1
     */
    default WorkerInput input() {
        throw new IllegalStateException("worker " + name() + " was started without stdin");
    }

    /** Completes when the child was reaped and {@link WorkerOutput#onExit} returned. */
    CompletionStage<WorkerExit> exit();
}
