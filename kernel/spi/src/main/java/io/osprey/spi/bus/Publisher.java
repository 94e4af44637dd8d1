package io.osprey.spi.bus;

import java.util.Map;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The write side of one live stream, held by one ingest connection. Not thread-safe: call it from one thread at a
 * time (an ingest connection's reads are serial, which is enough). No method blocks.
 */
@ProviderType
public interface Publisher extends AutoCloseable {

    /** The stream being published. */
    StreamView stream();

    /**
     * Declares a track or changes its codec config (a new sequence header). Subscribers see a {@link Frame#CONFIG}
     * frame at this point of the stream; an unchanged config is ignored.
     */
    void setTrack(TrackInfo track);

    /** Replaces the stream's metadata ({@code onMetaData} values: encoder, bitrates, ...). */
    void setMetadata(Map<String, Object> metadata);

    /**
     * Pushes a frame. Timestamps should not go backwards; the bus tolerates it (and counts it) rather than
     * rejecting. A frame for an undeclared track is dropped and counted. Never blocks. Takes over the caller's
     * reference to a pooled frame ({@link Frame#isPooled}), also when the frame is dropped.
     */
    void push(Frame frame);

    /** Whether the bus evicted this publisher (kicked or taken over); further pushes are ignored. */
    boolean isEvicted();

    /** Ends the stream: the publisher stopped on purpose. Subscribers see the end after the queued frames. */
    @Override
    void close();

    /**
     * The publisher's connection was lost: the stream waits for the bus's grace period for a publisher of the same
     * key to continue it, then ends. Subscribers stay attached meanwhile.
     */
    void disconnect(String reason);
}
