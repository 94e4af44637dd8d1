package io.osprey.plugin.httpflv;

import io.osprey.media.live.WriteMerger;
import io.osprey.spi.PluginContext;
import io.osprey.spi.access.AccessRequest;
import io.osprey.spi.access.Action;
import io.osprey.spi.access.Admission;
import io.osprey.spi.access.AdmissionRequest;
import io.osprey.spi.bus.DemandRequest;
import io.osprey.spi.bus.StreamKey;
import io.osprey.spi.bus.StreamNotFoundException;
import io.osprey.spi.bus.StreamView;
import io.osprey.spi.bus.StreamWatcher;
import io.osprey.spi.bus.SubscribeOptions;
import io.osprey.spi.bus.Subscription;
import io.osprey.spi.metrics.Counter;
import io.osprey.spi.metrics.Gauge;
import io.osprey.spi.net.RefusalLog;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.io.SocketChannelEndPoint;
import org.eclipse.jetty.server.Request;

/**
 * What HTTP-FLV and WebSocket-FLV viewers share: the play gate (access hook, admission hook, on-demand wait), the
 * per-stream {@link TagLog}s, the live viewer set with its stall watchdog, and the plugin's metrics.
 */
final class FlvOutputs implements StreamWatcher {

    private static final System.Logger LOG = System.getLogger(FlvOutputs.class.getName());
    static final String HTTP = "httpflv";
    static final String WS = "ws-flv";

    /** The answer to a play request: {@code status} 200 with an admission, or the refusal. */
    record Decision(int status, String reason, long retryAfterSeconds, Admission admission) {
        boolean allowed() {
            return status == 200;
        }
    }

    private final PluginContext ctx;
    private final HttpFlvConfig config;
    private final ConcurrentHashMap<StreamView, TagLog[]> logs = new ConcurrentHashMap<>();
    private final Set<FlvViewer> viewers = ConcurrentHashMap.newKeySet();
    private final WriteMerger merger;
    private final Gauge viewerGauge;
    private final Counter bytesOut;
    private final Counter writes;
    private final OutCounters httpOut;
    private final OutCounters wsOut;
    private final Counter slow;
    private final Counter dropped;
    private final Counter refused;
    private final RefusalLog refusals = new RefusalLog(System.getLogger("io.osprey.plugin.httpflv.Refusals"),
            RefusalLog.DEFAULT_INTERVAL_MILLIS);

    FlvOutputs(PluginContext ctx, HttpFlvConfig config) {
        this.ctx = ctx;
        this.config = config;
        viewerGauge = ctx.metrics().gauge("osprey_httpflv_viewers", "FLV viewers connected now", "protocol");
        viewerGauge.labels(HTTP).set(0);
        viewerGauge.labels(WS).set(0);
        bytesOut = ctx.metrics().counter("osprey_httpflv_bytes_out_total", "FLV bytes written to viewers",
                "protocol");
        writes = ctx.metrics().counter("osprey_httpflv_writes_total", "write calls to viewers (each one buffer)",
                "protocol");
        httpOut = new OutCounters(bytesOut.labels(HTTP), writes.labels(HTTP));
        wsOut = new OutCounters(bytesOut.labels(WS), writes.labels(WS));
        slow = ctx.metrics().counter("osprey_httpflv_slow_disconnects_total",
                "viewers disconnected for falling behind", "protocol");
        dropped = ctx.metrics().counter("osprey_httpflv_dropped_frames_total",
                "frames skipped for slow viewers (counted when the viewer leaves)", "protocol");
        refused = ctx.metrics().counter("osprey_httpflv_refused_total", "play requests refused", "status");
        ctx.metrics().gauge("osprey_httpflv_shared_tag_bytes", "FLV tag bytes built once per stream and shared",
                () -> {
                    long n = 0;
                    for (TagLog[] l : logs.values()) {
                        for (TagLog t : l) {
                            n += t == null ? 0 : t.bytesBuilt();
                        }
                    }
                    return n;
                });
        ctx.scheduler().scheduleWithFixedDelay(this::checkStalls, 500, 500, TimeUnit.MILLISECONDS);
        merger = new WriteMerger(ctx.scheduler(), config.mergeMs,
                WriteMerger.budget(config.writesPerSecond, HttpFlvConfig.WRITES_PER_CORE), viewers::size);
        ctx.metrics().gauge("osprey_httpflv_merge_window_ms",
                "how long viewers wait after a write so the next one carries more (0: every frame at once)",
                merger::windowMs);
    }

    /** Write merging ({@link HttpFlvConfig#mergeMs}): true if {@code demand} runs at the next merge tick. */
    boolean mergeLater(Runnable demand) {
        return merger.defer(demand);
    }

    // ---- the play gate ----

    /** Asks the access and admission hooks, then waits (bounded) for a stream started on demand; never blocks. */
    CompletionStage<Decision> authorize(StreamKey key, String protocol, InetSocketAddress remote,
                                        Map<String, String> params) {
        return ctx.access().check(new AccessRequest(Action.PLAY, key, protocol, remote, params))
                .handle((d, t) -> {
                    if (t != null) {
                        return refuse(500, "access check failed");
                    }
                    if (!d.allowed()) {
                        refusals.refuse(client(remote), "play denied " + d.status(), protocol + " " + key + ": "
                                + d.reason());
                    }
                    return d.allowed() ? null : refuse(d.status(), d.reason());
                })
                .thenCompose(refusal -> {
                    if (refusal != null) {
                        return CompletableFuture.completedFuture(refusal);
                    }
                    Admission admission = ctx.access().admit(new AdmissionRequest(AdmissionRequest.Kind.CONNECTION,
                            protocol, remote, key, params.get("token"), Action.PLAY));
                    if (!admission.admitted()) {
                        refused.labels("429").inc();
                        refusals.refuse(client(remote), "play not admitted", protocol + " " + key + ": "
                                + admission.reason());
                        return CompletableFuture.completedFuture(
                                new Decision(429, admission.reason(), admission.retryAfterSeconds(), null));
                    }
                    if (isLive(key)) {
                        return CompletableFuture.completedFuture(new Decision(200, "", 0, admission));
                    }
                    // not live: a provider (edge relay, pulled source, rendition) may start it; with none the stage
                    // has already failed, so an unknown stream gets its 404 at once, before any upgrade
                    return ctx.bus().demand(key, new DemandRequest(protocol, params),
                            Duration.ofMillis(config.relay.waitMs)).handle((s, t) -> {
                        if (t == null) {
                            return new Decision(200, "", 0, admission);
                        }
                        admission.release();
                        Throwable cause = t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
                        return refuse(404, cause.getMessage());
                    });
                });
    }

    private Decision refuse(int status, String reason) {
        refused.labels(String.valueOf(status)).inc();
        return new Decision(status, reason, 0, null);
    }

    boolean isLive(StreamKey key) {
        return ctx.bus().stream(key).map(s -> !s.isEnded()).orElse(false);
    }

    /** Subscribes {@code viewer} as {@code protocol}; the caller then calls {@link FlvViewer#begin}. */
    Subscription subscribe(StreamKey key, FlvViewer viewer, boolean video, boolean audio)
            throws StreamNotFoundException {
        SubscribeOptions opts = SubscribeOptions.viewer(viewer.protocol()).withTracks(video, audio)
                .withLag(config.maxLagFrames, config.maxLagBytes, config.maxLagMs, config.maxDrops);
        Subscription sub = ctx.bus().subscribe(key, opts, viewer);
        viewers.add(viewer);
        viewerGauge.labels(viewer.protocol()).inc();
        return sub;
    }

    /** Reports an ended viewer to the access hook's session listeners (auth's on_play_done). */
    void ended(io.osprey.spi.access.SessionEnd end) {
        ctx.access().ended(end);
    }

    /** Called once when a viewer ends, however it ends. */
    void removed(FlvViewer viewer) {
        if (viewers.remove(viewer)) {
            viewerGauge.labels(viewer.protocol()).dec();
        }
    }

    /** Fixes the kernel send buffer of the viewer's socket, if configured (see {@link HttpFlvConfig}). */
    void tuneSocket(Request request) {
        if (config.sendBufferBytes <= 0) {
            return;
        }
        try {
            EndPoint ep = request.getConnectionMetaData().getConnection().getEndPoint();
            if (ep instanceof SocketChannelEndPoint sc) {
                SocketChannel ch = sc.getChannel();
                ch.setOption(java.net.StandardSocketOptions.SO_SNDBUF, config.sendBufferBytes);
            }
        } catch (Exception | LinkageError e) {
            LOG.log(Level.DEBUG, "cannot set SO_SNDBUF: {0}", e.toString());
        }
    }

    // ---- shared tags ----

    TagLog log(StreamView stream, boolean video, boolean audio) {
        TagLog[] l = logs.computeIfAbsent(stream, s -> new TagLog[3]);
        int i = video && audio ? 0 : video ? 1 : 2;
        TagLog log;
        synchronized (l) {
            log = l[i];
            if (log == null) {
                log = TagLog.forTracks(video, audio);
                l[i] = log;
            }
        }
        if (stream.isEnded()) {
            logs.remove(stream);
        }
        return log;
    }

    @Override
    public void onStreamEnded(StreamView stream) {
        logs.remove(stream);
    }

    // ---- viewers and metrics ----

    int viewerCount() {
        return viewers.size();
    }

    /** The bytes and writes counters of one protocol, looked up once (viewers count after every batch). */
    record OutCounters(Counter bytes, Counter writes) {
        void count(long n, int writeCalls) {
            bytes.inc(n);
            writes.inc(writeCalls);
        }
    }

    OutCounters outCounters(String protocol) {
        return HTTP.equals(protocol) ? httpOut : WS.equals(protocol) ? wsOut
                : new OutCounters(bytesOut.labels(protocol), writes.labels(protocol));
    }

    /** A viewer disconnected for falling behind: counted, and logged once per client per interval. */
    void slowViewer(String protocol, String client, String why) {
        slow.labels(protocol).inc();
        refusals.refuse(client, "slow viewer", protocol + ": " + why);
    }

    /** Logs a refusal of {@code client} by {@code rule}, at most once per client and rule per interval. */
    void refused(String client, String rule, String detail) {
        refusals.refuse(client, rule, detail);
    }

    /** The address part of {@code remote} (one client is one IP), {@code "?"} when unknown. */
    static String client(InetSocketAddress remote) {
        return remote == null || remote.getAddress() == null ? "?" : remote.getAddress().getHostAddress();
    }

    void countDropped(String protocol, long frames) {
        if (frames > 0) {
            dropped.labels(protocol).inc(frames);
        }
    }

    private void checkStalls() {
        long now = System.nanoTime();
        long limit = TimeUnit.MILLISECONDS.toNanos(config.stallMs);
        for (FlvViewer v : viewers) {
            v.checkStall(now, limit);
        }
    }

    /** Drops every viewer (plugin stopping). */
    void closeAll(String reason) {
        merger.close();
        for (FlvViewer v : viewers) {
            v.abort(reason, null);
        }
        viewers.clear();
        logs.clear();
    }
}
