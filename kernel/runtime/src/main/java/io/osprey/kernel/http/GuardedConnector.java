package io.osprey.kernel.http;

import java.io.IOException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.io.ManagedSelector;
import org.eclipse.jetty.io.SelectorManager;
import org.eclipse.jetty.server.ConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.Scheduler;

/**
 * A {@link ServerConnector} whose accepted sockets pass the {@link ConnectionGuard}'s cap before Jetty makes an
 * endpoint of them (Jetty's own {@code NetworkConnectionLimit} stops accepting instead, which leaves new
 * clients, legitimate ones included, waiting in the backlog with no word in the log).
 *
 * <p>With {@code fill > 0}, new connections fill the first selector up to {@code fill} open connections before
 * the next one gets any, and once every selector holds that many, go to the one with the fewest (Jetty deals
 * them round robin). A few busy connections then wake one selector thread instead of all of them: on a small
 * machine every extra runnable thread preempts the others for whole scheduler slices (hls-serve, 2 cores, 50
 * connections: p90 2.2 ms with the connections spread over two selectors, 0.7 ms on one), while a heavy load of
 * many connections still spreads over every core.
 */
final class GuardedConnector extends ServerConnector {

    private final ConnectionGuard guard;
    private final int fill;
    /** Open connections per selector, counted from the choice (so a burst of accepts sees its own choices). */
    private final Map<ManagedSelector, AtomicInteger> load = new ConcurrentHashMap<>();
    /** The count a connection was chosen into: by channel until its endpoint exists, then by endpoint. */
    private final Map<Object, AtomicInteger> counted = new ConcurrentHashMap<>();
    private final ThreadLocal<SelectableChannel> accepting = new ThreadLocal<>();
    /** {@code server.http.sendfile}: whether its endpoints send file bodies with sendfile; set before start. */
    private boolean sendFiles = true;

    GuardedConnector(Server server, int selectors, ConnectionGuard guard, ConnectionFactory... factories) {
        this(server, selectors, 0, guard, factories);
    }

    GuardedConnector(Server server, int selectors, int fill, ConnectionGuard guard, ConnectionFactory... factories) {
        super(server, 1, selectors, factories);
        this.guard = guard;
        this.fill = fill;
    }

    /** Whether its endpoints send file bodies with sendfile ({@code server.http.sendfile}); before start. */
    void sendFiles(boolean on) {
        this.sendFiles = on;
    }

    /** Connections this connector counts on each selector now, in selector order (for tests). */
    int[] loads() {
        return getSelectorManager().getBeans(ManagedSelector.class).stream()
                .mapToInt(s -> load.getOrDefault(s, new AtomicInteger()).get()).toArray();
    }

    @Override
    protected org.eclipse.jetty.io.SocketChannelEndPoint newEndPoint(java.nio.channels.SocketChannel channel,
                                                                     ManagedSelector selector, SelectionKey key)
            throws IOException {
        // as ServerConnector's, with the file-region writes of fast GETs (SendfileEndPoint)
        org.eclipse.jetty.io.SocketChannelEndPoint ep = new SendfileEndPoint(channel, selector, key, getScheduler(),
                sendFiles);
        ep.setIdleTimeout(getIdleTimeout());
        AtomicInteger c = counted.remove(channel);
        if (c != null) {
            counted.put(ep, c);
        }
        return ep;
    }

    @Override
    protected SelectorManager newSelectorManager(Executor executor, Scheduler scheduler, int selectors) {
        return new ServerConnectorManager(executor, scheduler, selectors) {
            @Override
            public void accept(SelectableChannel channel, Object attachment) {
                if (guard.admit(channel, getName())) {
                    accepting.set(channel);
                    try {
                        super.accept(channel, attachment);
                    } finally {
                        accepting.remove();
                    }
                }
            }

            @Override
            protected ManagedSelector chooseSelector() {
                SelectableChannel channel = accepting.get();
                if (fill <= 0 || getSelectorCount() < 2 || channel == null) {
                    return super.chooseSelector();
                }
                ManagedSelector chosen = null;
                AtomicInteger chosenLoad = null;
                for (ManagedSelector s : getBeans(ManagedSelector.class)) {
                    AtomicInteger n = load.computeIfAbsent(s, k -> new AtomicInteger());
                    if (n.get() < fill) {
                        chosen = s;
                        chosenLoad = n;
                        break;
                    }
                    if (chosenLoad == null || n.get() < chosenLoad.get()) {
                        chosen = s;
                        chosenLoad = n;
                    }
                }
                if (chosen == null) {
                    return super.chooseSelector();
                }
                chosenLoad.incrementAndGet();
                counted.put(channel, chosenLoad);
                return chosen;
            }

            @Override
            protected void onAcceptFailed(SelectableChannel channel, Throwable cause) {
                release(counted.remove(channel));
                guard.released();
                super.onAcceptFailed(channel, cause);
            }

            @Override
            protected void endPointClosed(EndPoint endPoint) {
                release(counted.remove(endPoint));
                guard.released();
                super.endPointClosed(endPoint);
            }
        };
    }

    private static void release(AtomicInteger c) {
        if (c != null) {
            c.decrementAndGet();
        }
    }
}
