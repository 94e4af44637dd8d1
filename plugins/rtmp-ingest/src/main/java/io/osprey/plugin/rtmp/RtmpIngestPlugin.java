package io.osprey.plugin.rtmp;

import io.osprey.spi.Plugin;
import io.osprey.spi.PluginContext;
import io.osprey.spi.Registration;
import io.osprey.spi.net.TcpListener;
import io.osprey.spi.net.TcpListenerSpec;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Every way a stream comes in: RTMP publish and play on a TCP listener of the shared Jetty server, RTMPS on a second
 * one (TLS from a key store), and HTTP-FLV push ({@code POST}/{@code PUT /{app}/{stream}}) on the HTTP port. All
 * three share the connection caps, the access hook, the busy policy and the idle-publisher watchdog.
 *
 * <p>A config change is applied in place ({@link #reconfigure}) so publishers stay connected: caps, policy and
 * timeouts at once; a new port is bound before anything changes (a port that cannot be bound refuses the whole
 * change and the old listener goes on), then the old listener refuses new connections and is unbound when its last
 * connection closes. Only the keys of {@link RtmpConfig#needsRestartFrom} restart the plugin.
 */
public final class RtmpIngestPlugin implements Plugin {

    private static final System.Logger LOG = System.getLogger(RtmpIngestPlugin.class.getName());

    private PluginContext ctx;
    private volatile Listener rtmp;
    private volatile Listener rtmps;
    /** Listeners moved away from whose connections are still open (their ports stay bound until those end). */
    private final List<Listener> retired = new CopyOnWriteArrayList<>();
    private PushHandler push;
    private Registration pushRoute;
    private Ingest ingest;

    /** A bound listener with the factory of its connections. */
    private record Listener(RtmpConnectionFactory factory, TcpListener tcp) {
    }

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
        this.ctx = ctx;
        RtmpConfig config = ctx.config(RtmpConfig.class);
        Ingest ingest = new Ingest(ctx, config);
        this.ingest = ingest;
        rtmp = bindRtmp(config);
        rtmps = config.tls.enabled() ? bindRtmps(config) : null;
        push = new PushHandler(ingest);
        if (config.httpPush) {
            pushRoute = ctx.http().route("^/[^/]+/[^/]+$", push); // exactly /{app}/{stream}
        }
        ctx.metrics().gauge("osprey_rtmp_connections", "RTMP and RTMPS connections open now",
                () -> connections(rtmp) + connections(rtmps));
        ctx.metrics().gauge("osprey_rtmp_buffered_bytes", "Bytes held in partial RTMP messages, all connections",
                () -> rtmp.factory().bufferedBytes() + (rtmps == null ? 0 : rtmps.factory().bufferedBytes()));
        ctx.metrics().gauge("osprey_rtmp_http_pushes", "HTTP-FLV pushes in progress", push::active);
    }

    private Listener bindRtmp(RtmpConfig c) throws IOException {
        RtmpConnectionFactory f = new RtmpConnectionFactory(ingest, "rtmp");
        return new Listener(f, ctx.tcp().listen(TcpListenerSpec.plain("rtmp", c.host, c.port, c.idleTimeoutMs), f));
    }

    private Listener bindRtmps(RtmpConfig c) throws IOException {
        RtmpConnectionFactory f = new RtmpConnectionFactory(ingest, "rtmps");
        return new Listener(f, ctx.tcp().listen(new TcpListenerSpec("rtmps", c.host, c.tls.port, c.idleTimeoutMs,
                Path.of(c.tls.keyStore), c.tls.keyStorePassword), f));
    }

    private static int connections(Listener l) {
        return l == null ? 0 : l.factory().connections();
    }

    /** The bound RTMP port (tests). */
    int rtmpPort() {
        return rtmp.tcp().port();
    }

    @Override
    public boolean reconfigure(Object newConfig) throws Exception {
        RtmpConfig next = (RtmpConfig) newConfig;
        RtmpConfig old = ingest.config;
        if (next.needsRestartFrom(old)) {
            return false;
        }
        boolean moveRtmp = next.port != old.port || !next.host.equals(old.host);
        boolean moveRtmps = next.tls.port != old.tls.port || next.tls.enabled() && !next.host.equals(old.host);
        // bind first: a port that cannot be bound refuses the change with nothing touched. A port this plugin still
        // holds for the connections of a moved listener (a change undone, or a rollback) is taken back as it is
        Listener newRtmp = moveRtmp ? (next.host.equals(old.host) ? reuse("rtmp", next.port) : null) : null;
        if (moveRtmp && newRtmp == null) {
            newRtmp = bindRtmp(next);
        }
        Listener newRtmps = null;
        if (moveRtmps && next.tls.enabled()) {
            newRtmps = next.host.equals(old.host) && sameKeyStore(next, old) ? reuse("rtmps", next.tls.port) : null;
            try {
                if (newRtmps == null) {
                    newRtmps = bindRtmps(next);
                }
            } catch (IOException | RuntimeException e) {
                if (newRtmp != null) {
                    newRtmp.tcp().close();
                }
                throw e;
            }
        }
        ingest.apply(next);
        if (moveRtmp) {
            rtmp = replace(rtmp, newRtmp);
        }
        if (moveRtmps) {
            rtmps = replace(rtmps, newRtmps);
        }
        if (next.httpPush && pushRoute == null) {
            pushRoute = ctx.http().route("^/[^/]+/[^/]+$", push);
        } else if (!next.httpPush && pushRoute != null) {
            pushRoute.close();
            pushRoute = null;
            push.closeAll("HTTP-FLV push was turned off");
        }
        LOG.log(Level.INFO, "rtmp-ingest: new config applied in place; publishers stay connected");
        return true;
    }

    private static boolean sameKeyStore(RtmpConfig a, RtmpConfig b) {
        return a.tls.keyStore.equals(b.tls.keyStore) && a.tls.keyStorePassword.equals(b.tls.keyStorePassword);
    }

    /** A retired listener of {@code label} still bound to {@code port}, taken back; or null. */
    private Listener reuse(String label, int port) {
        for (Listener l : retired) {
            if (l.factory().protocol().equals(label) && l.tcp().port() == port && l.factory().unretire()) {
                retired.remove(l);
                LOG.log(Level.INFO, "{0} listener on port {1} takes new connections again", label,
                        String.valueOf(port));
                return l;
            }
        }
        return null;
    }

    /** Puts {@code next} (may be null: turned off) in place of {@code old}, whose connections stay until they end. */
    private Listener replace(Listener old, Listener next) {
        if (old != null) {
            String where = next == null ? "turned off" : "moved to port " + next.tcp().port();
            LOG.log(Level.INFO, "{0} listener on port {1} {2}; its {3} connections stay, new ones go to the new port",
                    old.tcp().name(), String.valueOf(old.tcp().port()), where, old.factory().connections());
            TcpListener tcp = old.tcp();
            retired.add(old);
            old.factory().retire("this listener " + where, () -> {
                retired.remove(old);
                LOG.log(Level.INFO, "{0} listener on port {1}: last connection closed; unbound", tcp.name(),
                        String.valueOf(tcp.port()));
                tcp.close();
            });
        }
        return next;
    }

    @Override
    public void stop() {
        String why = "the rtmp-ingest plugin stopped";
        for (Listener l : new Listener[] {rtmp, rtmps}) {
            if (l != null) {
                l.factory().closeAll(why);
            }
        }
        for (Listener l : retired) {
            l.factory().closeAll(why);
        }
        if (push != null) {
            push.closeAll(why);
        }
        if (ingest != null) {
            ingest.playMerger.close();
        }
        if (pushRoute != null) {
            pushRoute.close();
        }
    }
}
