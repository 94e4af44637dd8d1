package io.osprey.kernel.http;

import java.nio.channels.SelectableChannel;
import java.util.concurrent.Executor;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.io.SelectorManager;
import org.eclipse.jetty.server.ConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.Scheduler;

/**
 * A {@link ServerConnector} whose accepted sockets pass the {@link ConnectionGuard}'s cap before Jetty makes an
 * endpoint of them (Jetty's own {@code NetworkConnectionLimit} stops accepting instead, which leaves new
 * clients, legitimate ones included, waiting in the backlog with no word in the log).
 */
final class GuardedConnector extends ServerConnector {

    private final ConnectionGuard guard;

    GuardedConnector(Server server, int selectors, ConnectionGuard guard, ConnectionFactory... factories) {
        super(server, 1, selectors, factories);
        this.guard = guard;
    }

    @Override
    protected SelectorManager newSelectorManager(Executor executor, Scheduler scheduler, int selectors) {
        return new ServerConnectorManager(executor, scheduler, selectors) {
            @Override
            public void accept(SelectableChannel channel, Object attachment) {
                if (guard.admit(channel, getName())) {
                    super.accept(channel, attachment);
                }
            }

            @Override
            protected void onAcceptFailed(SelectableChannel channel, Throwable cause) {
                guard.released();
                super.onAcceptFailed(channel, cause);
            }

            @Override
            protected void endPointClosed(EndPoint endPoint) {
                guard.released();
                super.endPointClosed(endPoint);
            }
        };
    }
}
