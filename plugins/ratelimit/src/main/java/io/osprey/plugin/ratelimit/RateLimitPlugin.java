package io.osprey.plugin.ratelimit;

import io.osprey.spi.Plugin;
import io.osprey.spi.PluginContext;
import io.osprey.spi.metrics.Counter;
import io.osprey.spi.metrics.Gauge;
import java.lang.System.Logger.Level;
import java.util.concurrent.TimeUnit;

/**
 * {@code ratelimit}: request rates and connection caps for every protocol, through the kernel's admission hook.
 * One place for limits: the kernel asks this plugin for every HTTP request and rtmp-ingest for every RTMP command,
 * and every output asks again once it knows the stream (see {@link RateLimitPolicy}). rtmp-ingest's own
 * {@code maxConnections}/{@code maxConnectionsPerIp} remain only as a last line of defence at TCP accept.
 */
public final class RateLimitPlugin implements Plugin {

    private static final System.Logger LOG = System.getLogger(RateLimitPlugin.class.getName());
    private static final long SWEEP_MS = 1000;

    private RateLimitPolicy policy;
    private RequestRates rates;
    private HlsViewers hls;
    private Refusals refusals;
    private Caps caps;

    @Override
    public String id() {
        return "ratelimit";
    }

    @Override
    public Class<?> configType() {
        return RateLimitConfig.class;
    }

    @Override
    public void start(PluginContext ctx) {
        RateLimitConfig config = ctx.config(RateLimitConfig.class);
        Counter refused = ctx.metrics().counter("osprey_ratelimit_refused_total",
                "requests and connections refused, by the rule that refused and the protocol", "rule", "protocol");
        Gauge connections = ctx.metrics().gauge("osprey_ratelimit_connections",
                "viewers and publishers holding a slot of each cap on this node", "rule");
        for (Caps.Rule r : Caps.Rule.values()) {
            connections.labels(r.key).set(0);
        }
        rates = new RequestRates(ctx.counters());
        caps = new Caps(ctx.counters(), connections);
        hls = new HlsViewers(caps);
        refusals = new Refusals();
        policy = new RateLimitPolicy(RateLimitPolicy.Settings.of(config), rates, caps, hls, refusals, refused);
        ctx.metrics().gauge("osprey_ratelimit_buckets", "request-rate buckets kept in memory (idle ones expire)",
                () -> rates.buckets());
        ctx.metrics().gauge("osprey_ratelimit_hls_viewers", "HLS clients counted as viewers (sessions)",
                () -> hls.size());
        ctx.scheduler().scheduleWithFixedDelay(this::sweep, SWEEP_MS, SWEEP_MS, TimeUnit.MILLISECONDS);
        ctx.http().adminRoute("/api/ratelimit", new RateLimitApi(policy::settings, caps, hls, rates, refusals,
                ctx.counters()));
        ctx.addAdmissionPolicy(policy);
        LOG.log(Level.INFO, "ratelimit: {0}", RateLimitApi.describe(config));
    }

    private void sweep() {
        RateLimitConfig c = policy.settings().config();
        long now = System.nanoTime();
        rates.sweep(now);
        hls.sweep(now, TimeUnit.MILLISECONDS.toNanos(c.hlsViewerIdleMs));
        refusals.sweep(System.currentTimeMillis(), c.topRefusedWindowMs);
    }

    /**
     * New limits apply to the next request at once: a bucket whose rate or burst changed starts full under them,
     * caps compare the slots already held with the new limit. Connections already admitted stay, unless
     * {@code enforceOnReconfigure}: then those over a lowered cap are closed, newest first.
     */
    @Override
    public boolean reconfigure(Object newConfig) {
        RateLimitConfig c = (RateLimitConfig) newConfig;
        policy.settings(RateLimitPolicy.Settings.of(c));
        LOG.log(Level.INFO, "ratelimit reconfigured: {0}", RateLimitApi.describe(c));
        if (c.enforceOnReconfigure) {
            int n = caps.enforce(c) + hls.enforce(c);
            if (n > 0) {
                LOG.log(Level.INFO, "ratelimit: closed {0} connections over the new caps", n);
            }
        }
        return true;
    }

    @Override
    public void stop() {
        if (hls != null) {
            hls.clear(); // HLS sessions hold slots that no connection will release
        }
    }
}
