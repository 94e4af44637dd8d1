package io.osprey.kernel.http;

import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.AbstractConnectionFactory;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.HttpConnectionFactory;

/**
 * Makes a {@link FastGetConnection} of each accepted plain HTTP socket; it hands the socket to {@code http}'s
 * {@code HttpConnection} at the first request it does not answer itself.
 */
final class FastGetConnectionFactory extends AbstractConnectionFactory {

    private final HttpConnectionFactory http;
    private final Router router;
    private final ConnectionGuard.HeaderDeadline deadline;

    FastGetConnectionFactory(HttpConnectionFactory http, Router router, ConnectionGuard.HeaderDeadline deadline) {
        super("osprey-fast-get");
        this.http = http;
        this.router = router;
        this.deadline = deadline;
    }

    @Override
    public Connection newConnection(Connector connector, EndPoint endPoint) {
        return configure(new FastGetConnection(endPoint, connector, http, router, deadline), connector, endPoint);
    }
}
