package io.osprey.spi.worker;

import java.nio.ByteBuffer;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * Receives a worker's stdout and its end.
 *
 * <p><b>Threading.</b> {@link #onData} and {@link #onExit} are called on the worker's own kernel thread, never
 * concurrently and never on a Jetty selector thread; they must not block for long. {@link #onStderrLine} comes from
 * the worker's stderr thread. {@link #onExit} is called exactly once, after the last
 * {@link #onData}.
 *
 * <p><b>Back-pressure and ownership.</b> {@code data} is lent: it is valid until {@code next} runs, and the kernel
 * reads no more stdout until then, so a slow consumer makes the child block on its pipe instead of growing memory.
 * Call {@code next} exactly once, from any thread, typically from the write callback that sent the bytes on:
 *
 * <pre>{@code
 * public void onData(ByteBuffer data, Runnable next) {
 *     response.write(false, data, Callback.from(next, failure -> worker.kill("client went away: " + failure)));
 * }
 * }</pre>
 *
 * After {@link Worker#kill}, pending and further output is discarded without calling {@code onData}.
 *
 * <p>{@code data} is read-only and may be a direct buffer (the kernel reads the bundled tools' stdout straight into
 * one, so a socket write of it copies nothing): read it with its {@code get} methods, never {@code array()}.
 */
@ConsumerType
public interface WorkerOutput {

    /** A chunk of stdout; call {@code next} when {@code data} may be reused. */
    void onData(ByteBuffer data, Runnable next);

    /** The worker ended and was reaped. */
    void onExit(WorkerExit exit);

    /**
     * One line of stderr (without its line end, decoded as UTF-8, at most 4096 characters: a longer one is cut),
     * as the child writes it. Called on the worker's stderr thread — so concurrently with {@link #onData}, but
     * never after {@link #onExit} — before the kernel's own live log ({@link WorkerSpec#withStderrLog}). It must
     * not block: the child stalls when its stderr pipe is full. The default does nothing.
     *
     * @since 1.2
     */
    default void onStderrLine(String line) {
    }
}
