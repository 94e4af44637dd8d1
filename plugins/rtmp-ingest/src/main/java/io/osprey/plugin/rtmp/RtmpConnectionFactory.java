package io.osprey.plugin.rtmp;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.AbstractConnectionFactory;
import org.eclipse.jetty.server.Connector;

/**
 * Makes an {@link RtmpConnection} per accepted socket of one listener (plain RTMP, or RTMPS behind Jetty's TLS),
 * within the plugin's connection caps (A3): over a cap the connection is closed as soon as it opens.
 */
final class RtmpConnectionFactory extends AbstractConnectionFactory {

    private final Ingest ingest;
    private final String label;
    private final Set<RtmpConnection> open = ConcurrentHashMap.newKeySet();
    final io.osprey.spi.metrics.Counter protocolErrors;
    /** Set when the listener moved to another port: new connections here are refused. */
    private volatile String retired;
    private volatile Runnable onDrained;

    /**
     * @param label {@code rtmp} or {@code rtmps}: what logs, the bus and the hooks are told (the Jetty protocol name
     *              is {@code rtmp} for both, which TLS hands the decrypted bytes to)
     */
    RtmpConnectionFactory(Ingest ingest, String label) {
        super("rtmp");
        this.ingest = ingest;
        this.label = label;
        this.protocolErrors = ingest.protocolErrors;
    }

    String protocol() {
        return label;
    }

    Ingest ingest() {
        return ingest;
    }

    @Override
    public Connection newConnection(Connector connector, EndPoint endPoint) {
        InetAddress addr = address(endPoint.getRemoteSocketAddress());
        RtmpConfig config = ingest.config;
        endPoint.setIdleTimeout(config.idleTimeoutMs); // the current value, also after a reconfigure
        RtmpConnection c = new RtmpConnection(endPoint, connector.getExecutor(), ingest.ctx, config, this, addr);
        String refusal = retired != null ? "retired" : ingest.caps.acquire(addr);
        if (refusal != null) {
            ingest.refused.labels(refusal).inc();
            String why = refusal.equals("retired") ? retired : refusal.equals("max-connections")
                    ? "too many connections (" + config.maxConnections + ")"
                    : "too many connections from " + Ingest.client(addr) + " (" + config.maxConnectionsPerIp + ")";
            ingest.refusals.refuse(Ingest.client(addr), label + " " + refusal, why);
            c.refuse(why);
        } else {
            c.counted = true;
            open.add(c);
        }
        return configure(c, connector, endPoint);
    }

    void closed(RtmpConnection c) {
        if (open.remove(c) && c.counted) {
            ingest.caps.release(c.address());
        }
        drained();
    }

    /**
     * The listener moved to another port: connections open here stay, new ones are refused with {@code reason}, and
     * {@code whenDrained} runs (once) when the last one has closed, to unbind the old port.
     */
    void retire(String reason, Runnable whenDrained) {
        retired = reason;
        onDrained = whenDrained;
        drained();
    }

    /**
     * Takes a retired listener back (a change moved the port back while its connections still hold it): true if it
     * was still bound; false if it was already unbound (then the port is free to bind anew).
     */
    synchronized boolean unretire() {
        if (retired == null || onDrained == null) {
            return false;
        }
        retired = null;
        onDrained = null;
        return true;
    }

    private void drained() {
        Runnable r = onDrained;
        if (r != null && retired != null && open.isEmpty()) {
            synchronized (this) {
                if (onDrained == null) {
                    return;
                }
                onDrained = null;
            }
            r.run();
        }
    }

    int connections() {
        return open.size();
    }

    long bufferedBytes() {
        long n = 0;
        for (RtmpConnection c : open) {
            n += c.bufferedBytes();
        }
        return n;
    }

    void closeAll(String reason) {
        for (RtmpConnection c : open) {
            c.closeWith(reason);
        }
    }

    private static InetAddress address(SocketAddress a) {
        return a instanceof InetSocketAddress isa ? isa.getAddress() : null;
    }
}
