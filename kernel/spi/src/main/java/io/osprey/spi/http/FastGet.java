package io.osprey.spi.http;

import java.net.InetSocketAddress;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * Answers plain {@code GET}s from prepared bytes on the connection's I/O thread, before Jetty parses the request
 * into objects: for the few responses a server sends many thousands of times a second (HLS playlists and
 * segments), where Jetty's per-request machinery costs as much as the system calls.
 *
 * <p>The kernel offers a request here only when it is an HTTP/1.1 {@code GET} on a plain (not TLS) connection, with
 * a {@code Host} header, no body, no query, no {@code Range}, no conditional, {@code Upgrade} or {@code Expect}
 * header, and a path of RFC 3986 unreserved characters and {@code /} only (nothing to decode or normalize). Anything
 * else, and every request this method answers {@code null} for, goes to the regular routes as usual, with the same
 * bytes; from then on the connection stays with Jetty. So an implementation answers what it can answer at once and
 * returns {@code null} for the rest (unknown names, anything that would wait or needs request headers).
 *
 * <p>Runs on a selector thread: it must not block, and should not allocate much. The server's {@code http}
 * admission hook (request rate limits) is asked after this returns a response; a refusal releases the response
 * ({@link FastResponse#done()}) and answers {@code 429}.
 *
 * @since 1.2
 */
@ConsumerType
public interface FastGet {

    /**
     * @param path   the request's path as sent (starts with the prefix this responder was registered for)
     * @param remote the client's address, or null if unknown
     * @return the response, or {@code null} to let the regular routes handle the request
     */
    FastResponse get(String path, InetSocketAddress remote);
}
