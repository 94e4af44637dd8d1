package io.osprey.spi.access;

import io.osprey.spi.bus.StreamKey;
import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * A connection or request asking to be let in now.
 *
 * @param kind     a new connection (held until released) or a single request
 * @param protocol e.g. {@code rtmp}, {@code http}
 * @param remote   the client's address
 * @param stream   the stream concerned, if known yet
 * @param token    the client's token, if any
 */
public record AdmissionRequest(Kind kind, String protocol, InetSocketAddress remote, StreamKey stream, String token) {

    public enum Kind {
        CONNECTION, REQUEST
    }

    public AdmissionRequest {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(protocol, "protocol");
    }
}
