package io.osprey.spi.bus;

import java.util.List;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The read side of one subscriber: a cursor into the stream's ring. Pull-based, so a network output reads exactly
 * as much as it can write: typically it polls everything available, writes it in one gathered write, and when the
 * write completes calls {@link #demand()} to be told of more.
 *
 * <pre>{@code
 * void onReadable(Subscription s) {        // from a bus thread
 *     List<Frame> batch = new ArrayList<>();
 *     int n = s.poll(batch, 64);
 *     if (n < 0) { finish(s.endReason()); return; }
 *     write(encode(batch), () -> s.demand()); // non-blocking write of the encodings, then ask for more
 *     batch.forEach(Frame::release);          // done with the payloads
 * }
 * }</pre>
 *
 * <p>{@link #poll} and {@link #demand} may be called from any thread but not concurrently with each other.
 * {@link #close} may be called from any thread at any time.
 */
@ProviderType
public interface Subscription extends AutoCloseable {

    /** The stream subscribed to. */
    StreamView stream();

    /**
     * Moves up to {@code max} frames, oldest first, into {@code out}. Never blocks. Each frame comes with a
     * reference of the caller's: {@link Frame#release} it once done with its payload (see {@link Frame}).
     *
     * @return the number of frames added (0 if none is ready), or -1 once the subscription has ended (stream ended,
     *         too slow, closed) and every frame before the end was delivered; see {@link #endReason()}
     */
    int poll(List<? super Frame> out, int max);

    /**
     * Asks for one {@link SubscriptionListener#onReadable} call as soon as {@link #poll} would return non-zero
     * (at once, if it already would). Repeated calls before that callback count once.
     */
    void demand();

    /** Why the subscription ended, or {@code null} while it has not. */
    String endReason();

    /** Frames skipped because this subscriber fell behind. */
    long droppedFrames();

    /** Reports bytes this subscriber's output wrote, for stream stats and metrics. */
    void addBytesOut(long bytes);

    /** Detaches the subscriber. Idempotent. No callback follows. */
    @Override
    void close();
}
