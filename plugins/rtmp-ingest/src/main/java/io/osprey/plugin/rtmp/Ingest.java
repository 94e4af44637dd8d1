package io.osprey.plugin.rtmp;

import io.osprey.media.live.WriteMerger;
import io.osprey.spi.PluginContext;
import io.osprey.spi.bus.StreamKey;
import io.osprey.spi.metrics.Counter;
import io.osprey.spi.net.RefusalLog;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What every ingest listener of the plugin shares (RTMP, RTMPS, HTTP-FLV push): config, connection caps, the
 * publish gate, the publisher watchdog, the metrics and the shared RTMP play bytes of each played stream.
 */
final class Ingest {

    final PluginContext ctx;
    /** The current config: what new connections take; replaced by {@link #apply}. */
    volatile RtmpConfig config;
    final ConnectionCaps caps;
    final PublishGate gate;
    final PublisherWatchdog watchdog;
    final Counter refused;
    final Counter protocolErrors;
    /** Refusals (caps, admission, publish refusals, message budgets): one line per client and rule per minute. */
    final RefusalLog refusals = new RefusalLog(System.getLogger("io.osprey.plugin.rtmp.Refusals"),
            RefusalLog.DEFAULT_INTERVAL_MILLIS);
    /** RTMP play sessions open now. */
    final AtomicInteger players = new AtomicInteger();
    /** Write merging for RTMP play ({@link RtmpConfig#playMergeMs}). */
    final WriteMerger playMerger;
    /** Played streams' chunk logs with the number of play sessions using each; guarded by itself. */
    private final Map<StreamKey, LogRef> logs = new HashMap<>();

    private static final class LogRef {
        final ChunkLog log;
        int users;

        LogRef(ChunkLog log) {
            this.log = log;
        }
    }

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
        this.playMerger = new WriteMerger(ctx.scheduler(), config.playMergeMs,
                WriteMerger.budget(config.playWritesPerSecond, RtmpConfig.PLAY_WRITES_PER_CORE), players::get);
        ctx.metrics().gauge("osprey_rtmp_play_merge_window_ms",
                "how long RTMP viewers wait after a write so the next one carries more (0: every frame at once)",
                playMerger::windowMs);
    }

    /**
     * Applies a changed config in place: caps, busy policy and publisher timeouts at once; limits, timeouts and
     * budgets that a connection takes when it opens apply to connections opened from now on.
     */
    void apply(RtmpConfig next) {
        caps.limits(next.maxConnections, next.maxConnectionsPerIp);
        gate.policy(next);
        watchdog.timeouts(next);
        config = next;
    }

    /** The address part of {@code remote}, for refusal logs. */
    static String client(java.net.InetAddress address) {
        return address == null ? "?" : address.getHostAddress();
    }

    /** The shared chunk log of a played stream; hand the returned release to the session. */
    ChunkLog acquireLog(StreamKey key) {
        synchronized (logs) {
            LogRef ref = logs.computeIfAbsent(key, k -> new LogRef(new ChunkLog(config.outChunkSize)));
            ref.users++;
            return ref.log;
        }
    }

    /** A session of {@code key} stopped using {@code log}; the last one drops it. */
    void releaseLog(StreamKey key, ChunkLog log) {
        synchronized (logs) {
            LogRef ref = logs.get(key);
            if (ref != null && ref.log == log && --ref.users <= 0) {
                logs.remove(key);
            }
        }
    }

    /** Streams with a shared chunk log (tests). */
    int sharedLogs() {
        synchronized (logs) {
            return logs.size();
        }
    }
}
