package io.osprey.spi.bus;

import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * Who is publishing and how.
 *
 * @param protocol the ingest protocol, e.g. {@code rtmp}, {@code rtmps}, {@code http-flv}, {@code relay}
 * @param remote   the publisher's address, or {@code null} for an internal source
 * @param takeover whether to replace a publisher already holding the key (subject to the bus's policy)
 * @param onEvict  called (once, from any thread) when the bus evicts this publisher: kicked, taken over or the
 *                 kernel stopping; the ingest should close the connection. Must not block.
 * @param keepTimestamps when this publisher continues a stream (returns within the reconnect grace, or takes over),
 *                 keep its timestamps as they are instead of shifting them to follow the previous publisher's: for
 *                 a publisher whose timestamps are already on the stream's timeline, e.g. a rendition whose
 *                 restarted encoder carries its source's timestamps, so its segments stay aligned with the
 *                 source's. The first frame is still marked as a discontinuity. Since 1.4.0.
 */
public record PublishRequest(String protocol, InetSocketAddress remote, boolean takeover,
                             java.util.function.Consumer<String> onEvict, boolean keepTimestamps) {

    public PublishRequest {
        Objects.requireNonNull(protocol, "protocol");
        onEvict = onEvict == null ? reason -> { } : onEvict;
    }

    /** A request whose timestamps follow the previous publisher's when it continues a stream. */
    public PublishRequest(String protocol, InetSocketAddress remote, boolean takeover,
                          java.util.function.Consumer<String> onEvict) {
        this(protocol, remote, takeover, onEvict, false);
    }
}
