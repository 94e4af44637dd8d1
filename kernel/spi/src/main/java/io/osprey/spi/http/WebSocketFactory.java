package io.osprey.spi.http;

import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.websocket.core.FrameHandler;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * Makes the Jetty core {@link FrameHandler} for one WebSocket upgrade. Demand is explicit in Jetty's core API:
 * the handler calls {@code session.demand()} after {@code onOpen} and after each frame it has handled.
 */
@ConsumerType
@FunctionalInterface
public interface WebSocketFactory {

    /**
     * @return the frame handler, or {@code null} to refuse the upgrade; the factory may then set a status on
     *         {@code response} (404 if it does not)
     */
    FrameHandler newFrameHandler(Request request, Response response);
}
