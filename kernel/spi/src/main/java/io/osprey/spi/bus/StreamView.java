package io.osprey.spi.bus;

import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.osgi.annotation.versioning.ProviderType;

/** A read-only, live view of one stream; every call returns the current state. */
@ProviderType
public interface StreamView {

    StreamKey key();

    /** Protocol of the current (or last) publisher. */
    String publisherProtocol();

    /** Address of the current (or last) publisher, {@code null} if internal. */
    InetSocketAddress publisherAddress();

    /** When the stream started (first publish, not the latest reconnect). */
    Instant startedAt();

    /** Whether a publisher is attached now (false during the reconnect grace period and after the end). */
    boolean hasPublisher();

    /** Whether the stream has ended for good. */
    boolean isEnded();

    /** The declared tracks with their current configs. */
    List<TrackInfo> tracks();

    /** The latest {@code onMetaData} values (unmodifiable). */
    Map<String, Object> metadata();

    /** Counters and rates, computed on the call. */
    StreamStats stats();
}
