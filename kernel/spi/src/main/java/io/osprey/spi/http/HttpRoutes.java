package io.osprey.spi.http;

import io.osprey.spi.Registration;
import org.eclipse.jetty.server.Handler;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Routes on the shared Jetty server. Path specs follow Jetty's {@code PathSpec} syntax: exact
 * ({@code /api/x}), prefix ({@code /hls/*}), suffix ({@code *.flv}), {@code uri-template:/{app}/{name}.flv} or
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
     * Adds a WebSocket endpoint: an HTTP upgrade request on {@code pathSpec} is offered to {@code factory}; a
     * non-upgrade request falls through to the other routes (so one path can serve both HTTP and WebSocket).
     */
    Registration webSocket(String pathSpec, WebSocketFactory factory);
}
