package io.osprey.plugin.rtmp;

import io.osprey.spi.Plugin;
import io.osprey.spi.PluginContext;
import io.osprey.spi.net.TcpListenerSpec;
import java.nio.file.Path;

/**
 * Every way a stream comes in: RTMP publish and play on a TCP listener of the shared Jetty server, RTMPS on a second
 * one (TLS from a key store), and HTTP-FLV push ({@code POST}/{@code PUT /{app}/{stream}}) on the HTTP port. All
 * three share the connection caps, the access hook, the busy policy and the idle-publisher watchdog.
 */
public final class RtmpIngestPlugin implements Plugin {

    private RtmpConnectionFactory rtmp;
    private RtmpConnectionFactory rtmps;
    private PushHandler push;
    private Ingest ingest;

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
        Ingest ingest = new Ingest(ctx, config);
        this.ingest = ingest;
        rtmp = new RtmpConnectionFactory(ingest, "rtmp");
        ctx.tcp().listen(TcpListenerSpec.plain("rtmp", config.host, config.port, config.idleTimeoutMs), rtmp);
        if (config.tls.enabled()) {
            rtmps = new RtmpConnectionFactory(ingest, "rtmps");
            ctx.tcp().listen(new TcpListenerSpec("rtmps", config.host, config.tls.port, config.idleTimeoutMs,
                    Path.of(config.tls.keyStore), config.tls.keyStorePassword), rtmps);
        }
        if (config.httpPush) {
            push = new PushHandler(ingest);
            ctx.http().route("^/[^/]+/[^/]+$", push); // exactly /{app}/{stream}
        }
        ctx.metrics().gauge("osprey_rtmp_connections", "RTMP and RTMPS connections open now",
                () -> rtmp.connections() + (rtmps == null ? 0 : rtmps.connections()));
        ctx.metrics().gauge("osprey_rtmp_buffered_bytes", "Bytes held in partial RTMP messages, all connections",
                () -> rtmp.bufferedBytes() + (rtmps == null ? 0 : rtmps.bufferedBytes()));
        ctx.metrics().gauge("osprey_rtmp_http_pushes", "HTTP-FLV pushes in progress",
                () -> push == null ? 0 : push.active());
    }

    @Override
    public void stop() {
        String why = "the rtmp-ingest plugin stopped";
        if (rtmp != null) {
            rtmp.closeAll(why);
        }
        if (rtmps != null) {
            rtmps.closeAll(why);
        }
        if (push != null) {
            push.closeAll(why);
        }
        if (ingest != null) {
            ingest.playMerger.close();
        }
    }
}
