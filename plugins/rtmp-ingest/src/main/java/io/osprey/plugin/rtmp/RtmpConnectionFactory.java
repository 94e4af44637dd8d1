package io.osprey.plugin.rtmp;

import io.osprey.spi.PluginContext;
import io.osprey.spi.metrics.Counter;
import io.osprey.spi.net.TcpListener;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.AbstractConnectionFactory;
import org.eclipse.jetty.server.Connector;

/** Makes an {@link RtmpConnection} per accepted socket, within the global and per-address caps (A3). */
final class RtmpConnectionFactory extends AbstractConnectionFactory {

    private final PluginContext ctx;
    private final RtmpConfig config;
    private final Set<RtmpConnection> open = ConcurrentHashMap.newKeySet();
    private final Map<InetAddress, AtomicInteger> perIp = new ConcurrentHashMap<>();
    private final Counter refused;
    final Counter protocolErrors;

    RtmpConnectionFactory(PluginContext ctx, RtmpConfig config) {
        super("rtmp");
        this.ctx = ctx;
        this.config = config;
        this.refused = ctx.metrics().counter("osprey_rtmp_refused_total", "RTMP connections refused by caps",
                "reason");
        this.protocolErrors = ctx.metrics().counter("osprey_rtmp_protocol_errors_total",
                "RTMP connections closed for a protocol error");
    }

    void setListener(TcpListener listener) {
        // kept for symmetry with future TLS listeners; the kernel closes it on stop
    }

    @Override
    public Connection newConnection(Connector connector, EndPoint endPoint) {
        InetAddress addr = address(endPoint.getRemoteSocketAddress());
        RtmpConnection c = new RtmpConnection(endPoint, connector.getExecutor(), ctx, config, this, addr);
        if (open.size() >= config.maxConnections) {
            refused.labels("max-connections").inc();
            c.refuse("too many RTMP connections (" + config.maxConnections + ")");
        } else if (addr != null && perIp.computeIfAbsent(addr, a -> new AtomicInteger()).incrementAndGet()
                > config.maxConnectionsPerIp) {
            perIp.get(addr).decrementAndGet();
            refused.labels("max-connections-per-ip").inc();
            c.refuse("too many RTMP connections from " + addr.getHostAddress());
        } else {
            c.counted = addr != null;
            open.add(c);
        }
        return configure(c, connector, endPoint);
    }

    void closed(RtmpConnection c) {
        if (open.remove(c) && c.counted) {
            AtomicInteger n = perIp.get(c.address());
            if (n != null && n.decrementAndGet() <= 0) {
                perIp.remove(c.address(), n);
            }
        }
    }

    int connections() {
        return open.size();
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
