package io.osprey.spi.access;

import io.osprey.spi.bus.StreamKey;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.Objects;

/**
 * A publish, play or recording session that has ended, reported by the ingest, output or recorder that ran it
 * through {@link AccessControl#ended(SessionEnd)} so that policies (e.g. an {@code on_publish_done} webhook) can
 * account for it. Immutable.
 *
 * <pre>{@code
 * ctx.access().ended(new SessionEnd(SessionEnd.Kind.PLAY, key, "httpflv", remote, durationMs, bytesSent,
 *         "client closed", Map.of()));
 * }</pre>
 *
 * @param kind           what ended
 * @param stream         the stream
 * @param protocol       as in {@link AccessRequest#protocol()} ({@code rtmp}, {@code httpflv}, {@code mp4}...)
 * @param remote         the client's address, {@code null} for internal sessions (recordings, relays)
 * @param durationMillis how long the session lasted
 * @param bytes          bytes received (publish) or sent (play), or the file size (record)
 * @param reason         why it ended, free text without secrets; may be empty
 * @param details        kind-specific facts, e.g. for {@link Kind#RECORD}: {@code path} (relative to the data
 *                       folder), {@code url} (where it is served, if it is); unmodifiable
 * @since 1.1
 */
public record SessionEnd(Kind kind, StreamKey stream, String protocol, InetSocketAddress remote,
                         long durationMillis, long bytes, String reason, Map<String, String> details) {

    /** What kind of session ended. */
    public enum Kind {
        /** A publisher stopped or was lost. */
        PUBLISH,
        /** A viewer left. */
        PLAY,
        /** A recording was finished and its file is complete. */
        RECORD
    }

    public SessionEnd {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(stream, "stream");
        Objects.requireNonNull(protocol, "protocol");
        reason = reason == null ? "" : reason;
        details = details == null ? Map.of() : Map.copyOf(details);
    }
}
