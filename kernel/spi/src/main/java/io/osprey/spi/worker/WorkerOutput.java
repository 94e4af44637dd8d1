package io.osprey.spi.worker;

import java.nio.ByteBuffer;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * Receives a worker's stdout and its end.
 *
 * <p><b>Threading.</b> Both methods are called on the worker's own kernel thread, never concurrently and never on
 * a Jetty selector thread; they must not block for long. {@link #onExit} is called exactly once, after the last
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
 */
@ConsumerType
public interface WorkerOutput {

    /** A chunk of stdout; call {@code next} when {@code data} may be reused. */
    void onData(ByteBuffer data, Runnable next);

    /** The worker ended and was reaped. */
    void onExit(WorkerExit exit);
}
