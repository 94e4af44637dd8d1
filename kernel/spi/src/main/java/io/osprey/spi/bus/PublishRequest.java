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
 */
public record PublishRequest(String protocol, InetSocketAddress remote, boolean takeover,
                             java.util.function.Consumer<String> onEvict) {

    public PublishRequest {
        Objects.requireNonNull(protocol, "protocol");
        onEvict = onEvict == null ? reason -> { } : onEvict;
    }
}
