package io.osprey.kernel.http;

import io.osprey.spi.net.RefusalLog;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SocketChannel;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpStream;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.internal.HttpConnection;
import org.eclipse.jetty.util.thread.Scheduler;

/**
 * The server's defences against connection exhaustion, shared by every connector (HTTP and the plugins' TCP
 * listeners):
 * <ul>
 * <li>a cap on open client connections across all connectors ({@link FdBudget}): at the cap, an HTTP connection
 *     that has been waiting at least {@link #evictAfterMs} for a request's headers is closed to make room
 *     (slowloris connections never finish theirs, a real client sends them within milliseconds; an idle kept-alive
 *     connection can be opened again), so health checks
 *     and new viewers still get in while an attack fills the table; with no such connection the new one is closed
 *     as soon as it is accepted and the refusal logged (rate-limited), instead of the process running out of
 *     descriptors;</li>
 * <li>a deadline for each request line and headers on an HTTP connection (slowloris: a byte every few seconds
 *     keeps an idle timeout from ever firing), counted from the connection's opening for the first request and
 *     from the end of the previous response for the next one on a kept-alive connection (so an idle kept-alive
 *     connection is closed after the deadline too). Once the headers are in, the deadline is off: a long-lived
 *     HTTP-FLV response or WebSocket is not affected.</li>
 * </ul>
 * Thread-safety: called from acceptor, selector and scheduler threads; all state is concurrent.
 */
public final class ConnectionGuard {

    private static final System.Logger LOG = System.getLogger(ConnectionGuard.class.getName());

    private final int cap;
    private final long headerTimeoutMs;
    private final Scheduler scheduler;
    private final RefusalLog refusals;
    private final AtomicInteger open = new AtomicInteger();
    private final LongAdder refusedOverCap = new LongAdder();
    private final LongAdder closedByDeadline = new LongAdder();
    private final LongAdder evictedAtCap = new LongAdder();
    /** Every open HTTP connection (put when it opens, removed when it closes), with its header clock. */
    private final Map<Connection, Waiting> httpConnections = new ConcurrentHashMap<>();
    private final long evictAfterMs;
    private final long evictAfterNanos;

    private final long headerTimeoutNanos;
    private final long sweepMs;
    private final AtomicBoolean sweeping = new AtomicBoolean();

    /**
     * Since when an HTTP connection has waited for a request's headers ({@link #IDLE} while it has none to wait
     * for). No timer per request: one sweep every {@link #sweepMs} closes those past the deadline (arming and
     * cancelling a scheduler task for every request of a kept-alive connection took the scheduler's queue lock twice
     * per request: a few percent of an HLS playlist request's CPU). One per connection for its whole life, so a
     * request costs two plain volatile writes to it, not a put and a remove in a map shared by every selector
     * (session 7's profile of HLS playlists: the map's size counter was 2 % of the server's samples).
     */
    private static final class Waiting extends java.util.concurrent.atomic.AtomicLong {
        static final long IDLE = Long.MIN_VALUE;

        Waiting() {
            super(IDLE);
        }

        void arm() {
            long now = System.nanoTime();
            set(now == IDLE ? now + 1 : now);
        }

        /** The arming time if armed at least {@code nanos} before {@code now}, else {@link #IDLE}. */
        long overdue(long now, long nanos) {
            long t = get();
            return t != IDLE && now - t >= nanos ? t : IDLE;
        }
    }

    /**
     * @param cap             open connections allowed across all guarded connectors
     * @param headerTimeoutMs time an HTTP connection has to send a request's line and headers; 0 for none
     */
    public ConnectionGuard(int cap, long headerTimeoutMs, Scheduler scheduler, RefusalLog refusals) {
        this.cap = cap;
        this.headerTimeoutMs = headerTimeoutMs;
        this.scheduler = scheduler;
        this.refusals = refusals;
        this.evictAfterMs = headerTimeoutMs <= 0 ? 1000 : Math.min(1000, Math.max(1, headerTimeoutMs / 2));
        this.evictAfterNanos = TimeUnit.MILLISECONDS.toNanos(evictAfterMs);
        this.headerTimeoutNanos = TimeUnit.MILLISECONDS.toNanos(headerTimeoutMs);
        // the deadline holds to within a tenth of itself (at most a second late)
        this.sweepMs = Math.max(10, Math.min(1000, headerTimeoutMs / 10));
    }

    /** Called for each accepted socket before Jetty sees it: false (and the socket closed) if over the cap. */
    boolean admit(SelectableChannel channel, String connector) {
        int now = open.incrementAndGet();
        if (now <= cap || evictStalled()) {
            return true; // an evicted connection gives its slot back when its endpoint closes
        }
        open.decrementAndGet();
        refusedOverCap.increment();
        refusals.refuse(address(channel), "connection cap", connector + ": " + cap
                + " connections open (server.connections.max; derived from the fd limit)");
        try {
            channel.close();
        } catch (Exception e) {
            LOG.log(System.Logger.Level.DEBUG, "closing a refused connection", e);
        }
        return false;
    }

    /**
     * At the cap: closes one HTTP connection that has waited at least {@link #evictAfterMs} for its headers.
     * Any such connection will do (under attack nearly all of them qualify, so the scan stops at once); a client
     * that sends its request promptly is never picked.
     */
    private boolean evictStalled() {
        long now = System.nanoTime();
        for (Map.Entry<Connection, Waiting> e : httpConnections.entrySet()) {
            long since = e.getValue().overdue(now, evictAfterNanos);
            if (since != Waiting.IDLE && e.getValue().compareAndSet(since, Waiting.IDLE)) {
                evictedAtCap.increment();
                EndPoint ep = e.getKey().getEndPoint();
                refusals.refuse(address(ep.getRemoteSocketAddress()), "connection cap",
                        "closed after " + TimeUnit.NANOSECONDS.toMillis(now - since)
                                + " ms without request headers to make room for a new connection");
                ep.close();
                return true;
            }
        }
        return false;
    }

    /** An admitted socket was closed (its endpoint) or failed before it became one. */
    void released() {
        open.decrementAndGet();
    }

    /** The header deadline, for the HTTP connector only: a connection listener and a request customizer. */
    HeaderDeadline headerDeadline() {
        return new HeaderDeadline();
    }

    /** Closes the connections whose headers are overdue, then comes again (until the scheduler stops). */
    private void sweep() {
        try {
            long now = System.nanoTime();
            for (Map.Entry<Connection, Waiting> e : httpConnections.entrySet()) {
                long since = e.getValue().overdue(now, headerTimeoutNanos);
                if (since != Waiting.IDLE) {
                    deadline(e.getKey(), e.getValue(), since);
                }
            }
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "header deadline sweep failed", e);
        } finally {
            scheduler.schedule(this::sweep, sweepMs, TimeUnit.MILLISECONDS);
        }
    }

    private void deadline(Connection connection, Waiting waiting, long since) {
        if (!waiting.compareAndSet(since, Waiting.IDLE)) {
            return; // its headers came meanwhile
        }
        EndPoint ep = connection.getEndPoint();
        if (ep.getConnection() != connection) {
            return; // upgraded meanwhile
        }
        closedByDeadline.increment();
        refusals.refuse(address(ep.getRemoteSocketAddress()), "request header deadline",
                "no complete request line and headers within " + headerTimeoutMs + " ms (server.http.headerTimeoutMs)");
        ep.close();
    }

    /**
     * Armed when an HTTP connection opens and again when a response ends with the connection kept alive (the next
     * request's line and headers then have the same time); disarmed by a request's headers ({@link #customize}).
     */
    final class HeaderDeadline implements Connection.Listener, HttpConfiguration.Customizer {

        @Override
        public void onOpened(Connection connection) {
            if (headerTimeoutMs <= 0
                    || !(connection instanceof HttpConnection || connection instanceof FastGetConnection)) {
                return; // an upgraded WebSocket on the same endpoint has no headers to wait for
            }
            arm(connection);
        }

        private void arm(Connection connection) {
            Waiting w = new Waiting();
            w.arm();
            httpConnections.put(connection, w);
            if (!sweeping.get() && sweeping.compareAndSet(false, true)) {
                // the first connection: the server (and its scheduler) is running by now
                scheduler.schedule(ConnectionGuard.this::sweep, sweepMs, TimeUnit.MILLISECONDS);
            }
            if (!connection.getEndPoint().isOpen()) {
                httpConnections.remove(connection); // closed before it was put: onClosed found nothing to remove
            }
        }

        /** A fast GET's head is complete: the connection is busy with its response, not waiting for headers. */
        void disarm(Connection connection) {
            Waiting w = httpConnections.get(connection);
            if (w != null) {
                w.set(Waiting.IDLE);
            }
        }

        /** A fast GET's response is written and the connection waits for the next request. */
        void rearm(Connection connection) {
            Waiting w = httpConnections.get(connection);
            if (w != null && connection.getEndPoint().isOpen() && connection.getEndPoint().getConnection() == connection) {
                w.arm();
            }
        }

        @Override
        public void onClosed(Connection connection) {
            httpConnections.remove(connection); // also when a WebSocket upgrade replaces the HTTP connection
        }

        @Override
        public Request customize(Request request, HttpFields.Mutable responseHeaders) {
            Connection connection = request.getConnectionMetaData().getConnection();
            Waiting w = httpConnections.get(connection); // a read: no write to the map per request
            if (w == null) {
                return request; // not an HTTP/1 connection (HTTP/2 streams), or no deadline
            }
            w.set(Waiting.IDLE);
            request.addHttpStreamWrapper(stream -> new HttpStream.Wrapper(stream) {
                @Override
                public void succeeded() {
                    // armed before the connection reads on: a pipelined next request's headers disarm it, and an
                    // upgrade closes this connection (onClosed, which drops it) on its way to the WebSocket one
                    if (connection.getEndPoint().isOpen() && connection.getEndPoint().getConnection() == connection) {
                        w.arm();
                    }
                    super.succeeded();
                }
            });
            return request;
        }
    }

    private static String address(SelectableChannel channel) {
        try {
            return channel instanceof SocketChannel sc ? address(sc.getRemoteAddress()) : "?";
        } catch (Exception e) {
            return "?";
        }
    }

    static String address(SocketAddress a) {
        if (a instanceof InetSocketAddress i) {
            return i.getAddress() != null ? i.getAddress().getHostAddress() : i.getHostString();
        }
        return String.valueOf(a);
    }

    public int cap() {
        return cap;
    }

    /** Client connections open now, across the guarded connectors. */
    public int open() {
        return open.get();
    }

    public long refusedOverCap() {
        return refusedOverCap.sum();
    }

    /** HTTP connections closed at the cap, for want of their headers, to let a new connection in. */
    public long evictedAtCap() {
        return evictedAtCap.sum();
    }

    public long closedByHeaderDeadline() {
        return closedByDeadline.sum();
    }

    /** HTTP connections waiting for a request's headers (new, or kept alive after a response). */
    public int awaitingHeaders() {
        int n = 0;
        for (Waiting w : httpConnections.values()) {
            if (w.get() != Waiting.IDLE) {
                n++;
            }
        }
        return n;
    }
}
