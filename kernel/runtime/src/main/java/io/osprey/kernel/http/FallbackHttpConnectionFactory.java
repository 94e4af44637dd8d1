package io.osprey.kernel.http;

import java.util.concurrent.Executor;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.internal.HttpConnection;

/**
 * Jetty's HTTP/1.1 connections for sockets a {@link FastGetConnection} hands over. Jetty's {@code HttpConnection}
 * opened with bytes already read parses them on a pool thread ({@code onOpen} executes itself); these parse them at
 * once on the thread that hands them over, the selector thread, as Jetty does for bytes it reads itself. Without
 * this, 400 viewers joining at once took 400 pool tasks and grew the pool from 37 to 100 threads
 * (ViewerThreadsIT).
 */
final class FallbackHttpConnectionFactory extends HttpConnectionFactory {

    FallbackHttpConnectionFactory(HttpConfiguration config) {
        super(config);
    }

    @Override
    public Connection newConnection(Connector connector, EndPoint endPoint) {
        InlineOpen c = new InlineOpen(getHttpConfiguration(), connector, endPoint);
        c.setTransferEncodingChunkMaxLength(getTransferEncodingChunkMaxLength());
        return configure(c, connector, endPoint);
    }

    /** Runs the one task {@code onOpen} submits (parsing the handed-over bytes) on the calling thread. */
    static final class InlineOpen extends HttpConnection {
        private boolean opening;

        InlineOpen(HttpConfiguration config, Connector connector, EndPoint endPoint) {
            super(config, connector, endPoint);
        }

        @Override
        public void onOpen() {
            opening = true;
            try {
                super.onOpen();
            } finally {
                opening = false;
            }
        }

        @Override
        protected Executor getExecutor() {
            if (opening) {
                opening = false;
                return Runnable::run;
            }
            return super.getExecutor();
        }
    }
}
