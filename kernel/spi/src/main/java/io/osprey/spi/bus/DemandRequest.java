package io.osprey.spi.bus;

import java.util.Map;
import java.util.Objects;

/**
 * Who asks for a stream through {@link MediaBus#demand}.
 *
 * @param protocol the viewer's protocol ({@code http-flv}, {@code ws-flv}, {@code rtmp}, {@code hls}, ...)
 * @param params   the viewer's query or connect parameters (never {@code null}); a relay may forward a token
 */
public record DemandRequest(String protocol, Map<String, String> params) {

    public DemandRequest {
        Objects.requireNonNull(protocol, "protocol");
        params = params == null ? Map.of() : Map.copyOf(params);
    }

    public static DemandRequest of(String protocol) {
        return new DemandRequest(protocol, Map.of());
    }
}
