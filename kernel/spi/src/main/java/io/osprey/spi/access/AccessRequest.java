package io.osprey.spi.access;

import io.osprey.spi.bus.StreamKey;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.Objects;

/**
 * A request to publish or play a stream, the same for every protocol.
 *
 * @param action   publish or play
 * @param stream   the stream
 * @param protocol e.g. {@code rtmp}, {@code httpflv}, {@code ws-flv}, {@code hls}
 * @param remote   the client's address ({@code null} for internal clients such as a relay)
 * @param params   the query parameters the client sent (RTMP: from the tcUrl and the stream name; HTTP: the URL),
 *                 e.g. {@code token}, {@code sign}, {@code expires}; unmodifiable
 */
public record AccessRequest(Action action, StreamKey stream, String protocol, InetSocketAddress remote,
                            Map<String, String> params) {

    public AccessRequest {
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(stream, "stream");
        Objects.requireNonNull(protocol, "protocol");
        params = params == null ? Map.of() : Map.copyOf(params);
    }

    /** The {@code token} parameter, or {@code null}. */
    public String token() {
        return params.get("token");
    }
}
