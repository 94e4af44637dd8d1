package io.osprey.plugin.rtmp;

import io.osprey.spi.PluginContext;
import io.osprey.spi.metrics.Counter;

/**
 * What every ingest listener of the plugin shares (RTMP, RTMPS, HTTP-FLV push): config, connection caps, the
 * publish gate, the publisher watchdog and the metrics.
 */
final class Ingest {

    final PluginContext ctx;
    final RtmpConfig config;
    final ConnectionCaps caps;
    final PublishGate gate;
    final PublisherWatchdog watchdog;
    final Counter refused;
    final Counter protocolErrors;

    Ingest(PluginContext ctx, RtmpConfig config) {
        this.ctx = ctx;
        this.config = config;
        this.caps = new ConnectionCaps(config.maxConnections, config.maxConnectionsPerIp);
        this.gate = new PublishGate(ctx, config);
        this.watchdog = new PublisherWatchdog(ctx.scheduler(), config);
        this.refused = ctx.metrics().counter("osprey_rtmp_refused_total",
                "Ingest connections refused by caps", "reason");
        this.protocolErrors = ctx.metrics().counter("osprey_rtmp_protocol_errors_total",
                "Ingest connections closed for a protocol error");
    }
}
