package io.osprey.spi.http;

import io.osprey.spi.Registration;
import org.eclipse.jetty.server.Handler;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Routes on the shared Jetty server. Path specs follow Jetty's {@code PathSpec} syntax: exact
 * ({@code /api/x}), prefix ({@code /hls/*}), suffix ({@code *.flv}), {@code uri-template:/{app}/{name}} (each variable a whole path
 * segment) or
 * {@code ^regex$}. The most specific spec wins (exact, then longest prefix, then suffix), as in servlet mapping.
 * A handler that returns {@code false} from {@code handle} lets the next matching route try.
 *
 * <p>Handlers run on Jetty's threads and must not block them: use the request's async APIs. Routes are removed
 * when the plugin stops; requests in flight complete (or fail) on their own.
 */
@ProviderType
public interface HttpRoutes {

    /** Adds a route. {@code handler} need not be started; the kernel manages its lifecycle. */
    Registration route(String pathSpec, Handler handler);

    /**
     * Adds a route to the admin API: {@code pathSpec} must lie under {@code /api/}. The kernel lets only requests
     * that carry the admin bearer token ({@code server.admin.token}) reach {@code handler}; others get the admin
     * API's {@code 401}. Like the rest of {@code /api}, the handler should send no CORS headers. An exact spec
     * ({@code /api/cleanup}) is more specific than the kernel's own {@code /api/*}, so it is tried first.
     *
     * <pre>{@code
     * ctx.http().adminRoute("/api/cleanup", new CleanupApi(...));
     * }</pre>
     *
     * @throws IllegalArgumentException if {@code pathSpec} is not under {@code /api/}
     * @since 1.1
     */
    Registration adminRoute(String pathSpec, Handler handler);

    /**
     * Adds a WebSocket endpoint: an HTTP upgrade request on {@code pathSpec} is offered to {@code factory}; a
     * non-upgrade request falls through to the other routes (so one path can serve both HTTP and WebSocket).
     */
    Registration webSocket(String pathSpec, WebSocketFactory factory);

    /**
     * Lets {@code responder} answer plain {@code GET}s whose path starts with {@code prefix} on the I/O thread, before
     * Jetty's request handling ({@link FastGet} says which requests qualify). What it declines goes to the routes
     * as usual, so a plugin registers the same paths as a route too. One responder per prefix; the longest matching
     * prefix is asked. The kernel may not offer anything (HTTPS, or {@code server.http.fastGet: false}).
     *
     * @param prefix a path prefix starting and ending with {@code /}, e.g. {@code /hls/}
     * @throws IllegalArgumentException if the prefix is malformed or already taken
     * @since 1.2
     */
    default Registration fastGet(String prefix, FastGet responder) {
        return () -> { };
    }
}
