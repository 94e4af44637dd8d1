package io.osprey.spi.worker;

import java.nio.ByteBuffer;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The stdin of a worker started with {@link Workers#startWithInput}: a bounded queue the kernel drains into the
 * child's stdin on a thread of its own, so a plugin feeding a child from a bus thread never blocks on the pipe.
 *
 * <p><b>Back-pressure.</b> {@link #offer} never blocks: it refuses a buffer that would take the queue over the bound
 * given at start, and the caller decides (a transcoder drops frames until the next key frame and counts them).
 *
 * <p><b>Ownership.</b> An offered buffer is taken over: the kernel writes it later, so the caller must not change
 * its bytes afterwards (read-only and shared buffers are fine; the buffer's position is not moved).
 *
 * <p><b>Threading.</b> Thread-safe; offers from several threads are written in the order they were accepted.
 *
 * <pre>{@code
 * Worker w = workers.startWithInput(spec, 4 << 20, output);
 * if (!w.input().offer(tagBytes)) dropping = true;   // the child is behind: skip to the next key frame
 * w.input().close();                                 // EOF after what is queued
 * }</pre>
 *
 * @since 1.1
 */
@ProviderType
public interface WorkerInput {

    /** Queues {@code bytes} for the child's stdin; false (and nothing queued) if the queue is full or closed. */
    boolean offer(ByteBuffer bytes);

    /** Bytes queued and not yet written to the pipe. */
    long queuedBytes();

    /** Bytes written to the pipe so far. */
    long writtenBytes();

    /** Closes stdin after the queued bytes (the child sees EOF). Idempotent; later offers are refused. */
    void close();
}
