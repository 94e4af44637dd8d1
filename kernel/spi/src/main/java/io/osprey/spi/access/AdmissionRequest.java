package io.osprey.spi.access;

import io.osprey.spi.bus.StreamKey;
import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * A connection or request asking to be let in now.
 *
 * <p><b>Who asks when.</b> A request is counted where it enters: the kernel's HTTP host asks for every HTTP
 * request before routing it ({@link Kind#REQUEST}, protocol {@code http}, no stream, the {@code token} query
 * parameter), and rtmp-ingest for every RTMP {@code connect}, {@code publish} and {@code play} command (protocol
 * {@code rtmp}/{@code rtmps}). Once an output knows the stream it asks again, with the stream: a publisher or a
 * viewer that holds a connection asks for a {@link Kind#CONNECTION} (released when the connection ends, however it
 * ends), an output whose clients come back request after request (HLS) asks a {@link Kind#REQUEST} per request
 * with the stream. So a policy counts client rates (address, token, total) on requests without a stream, and
 * stream rates and caps on those with one.
 *
 * <pre>{@code
 * Admission a = ctx.access().admit(new AdmissionRequest(Kind.CONNECTION, "httpflv", remote, key, token, Action.PLAY));
 * if (!a.admitted()) { answer 429 with Retry-After: a.retryAfterSeconds(); return; }
 * // ... on close, however it happens:
 * a.release();
 * }</pre>
 *
 * @param kind     a new connection (held until released) or a single request
 * @param protocol e.g. {@code rtmp}, {@code http}, {@code httpflv}, {@code ws-flv}, {@code hls}, {@code http-push}
 * @param remote   the client's address ({@code null} for internal clients such as a relay)
 * @param stream   the stream concerned, if known yet
 * @param token    the client's token, if any
 * @param action   publish or play, when a stream is concerned ({@code null}: not known, or not about a stream)
 * @since 1.1 ({@code action})
 */
public record AdmissionRequest(Kind kind, String protocol, InetSocketAddress remote, StreamKey stream, String token,
                               Action action) {

    public enum Kind {
        CONNECTION, REQUEST
    }

    public AdmissionRequest {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(protocol, "protocol");
    }

    /** A request or connection whose action is not known (the 1.0 form). */
    public AdmissionRequest(Kind kind, String protocol, InetSocketAddress remote, StreamKey stream, String token) {
        this(kind, protocol, remote, stream, token, null);
    }
}
