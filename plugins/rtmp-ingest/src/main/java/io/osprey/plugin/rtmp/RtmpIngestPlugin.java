package io.osprey.plugin.rtmp;

import io.osprey.spi.Plugin;
import io.osprey.spi.PluginContext;
import io.osprey.spi.net.TcpListener;
import io.osprey.spi.net.TcpListenerSpec;

/** RTMP publish and play on a TCP listener of the shared Jetty server. */
public final class RtmpIngestPlugin implements Plugin {

    private RtmpConnectionFactory factory;

    @Override
    public String id() {
        return "rtmp-ingest";
    }

    @Override
    public Class<?> configType() {
        return RtmpConfig.class;
    }

    @Override
    public void start(PluginContext ctx) throws Exception {
        RtmpConfig config = ctx.config(RtmpConfig.class);
        factory = new RtmpConnectionFactory(ctx, config);
        TcpListener l = ctx.tcp().listen(TcpListenerSpec.plain("rtmp", config.host, config.port, config.idleTimeoutMs),
                factory);
        factory.setListener(l);
        ctx.metrics().gauge("osprey_rtmp_connections", "RTMP connections open now", () -> factory.connections());
    }

    @Override
    public void stop() {
        if (factory != null) {
            factory.closeAll("the rtmp-ingest plugin stopped");
        }
    }
}
