package io.osprey.plugin.hls;

import io.osprey.spi.Plugin;
import io.osprey.spi.PluginContext;
import io.osprey.spi.bus.StreamKey;
import io.osprey.spi.bus.StreamNotFoundException;
import io.osprey.spi.bus.StreamView;
import io.osprey.spi.bus.StreamWatcher;
import io.osprey.spi.bus.SubscribeOptions;
import io.osprey.spi.bus.Subscription;
import io.osprey.spi.metrics.Counter;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Live HLS from memory: packages every stream on the bus into MPEG-TS or fMP4 segments (and LL-HLS parts) in a
 * sliding window and serves them under {@code /hls/{app}/{stream}/index.m3u8}; optionally mirrors them to disk.
 */
public final class HlsPlugin implements Plugin {
    private static final System.Logger LOG = System.getLogger(HlsPlugin.class.getName());
    private static final AtomicLong LAST_SID = new AtomicLong();

    private final Map<StreamKey, HlsStream> streams = new ConcurrentHashMap<>();
    private volatile boolean stopping;
    private volatile HlsConfig config;
    private volatile SegmentFiles segmentFiles;

    @Override
    public String id() {
        return "hls";
    }

    @Override
    public Class<?> configType() {
        return HlsConfig.class;
    }

    @Override
    public void start(PluginContext ctx) {
        HlsConfig startConfig = ctx.config(HlsConfig.class);
        this.config = startConfig;
        Responses responses = new Responses(config.corsOrigin);
        segmentFiles = SegmentFiles.in(config.zeroCopyDir);
        Counter segments = ctx.metrics().counter("osprey_hls_segments_total", "HLS segments completed");
        Counter requests = ctx.metrics().counter("osprey_hls_requests_total", "HLS requests");
        Counter notFound = ctx.metrics().counter("osprey_hls_not_found_total", "HLS requests answered 404");
        ctx.metrics().gauge("osprey_hls_streams", "streams packaged as HLS now", () -> streams.size());
        ctx.metrics().gauge("osprey_hls_bytes", "bytes of segments, parts and playlists held in memory",
                () -> streams.values().stream().mapToLong(HlsStream::bytesHeld).sum());
        ctx.metrics().gauge("osprey_hls_parked_requests", "blocking playlist and part requests waiting",
                () -> streams.values().stream().mapToInt(HlsStream::waiting).sum());
        HlsHandler handler = new HlsHandler(ctx, streams, responses, requests, notFound, config.startTimeoutMs);
        ctx.http().route(HlsHandler.PREFIX + "*", new MasterHandler(ctx, handler, responses, config.startTimeoutMs));
        ctx.http().fastGet(HlsHandler.PREFIX, handler::fast);
        Path mirrorRoot = ctx.dataDir().resolve(config.mirrorDir);
        if (config.mirror) {
            // the mirror writes only while a stream is live: nothing to recover, ready at once
            ctx.recordings().register(new MirrorRecorder(mirrorRoot, streams::keySet)).ready();
        }
        ctx.bus().watch(new StreamWatcher() {
            @Override
            public void onStreamStarted(StreamView view) {
                if (stopping) {
                    return;
                }
                StreamKey key = view.key();
                HlsConfig config = HlsPlugin.this.config;
                StreamSettings settings = config.settings(key.app());
                DiskMirror mirror = config.mirror
                        ? new DiskMirror(mirrorRoot.resolve(key.app()).resolve(key.name()), ctx.scheduler()) : null;
                HlsStream stream = new HlsStream(key, nextSid(), settings, startConfig.directBuffers, responses,
                        mirror, startConfig.accessCacheMs, segments, s -> streams.remove(s.key(), s));
                stream.keepSegmentsIn(segmentFiles);
                stream.reportViewersTo(ctx.access());
                stream.viewersCountedBy(ctx.bus().countViewers(key, "hls", () -> stream.viewers(System.nanoTime())));
                HlsStream old = streams.put(key, stream);
                if (old != null) {
                    old.end(404, "stream restarted");
                }
                try {
                    Subscription sub = ctx.bus().subscribe(key, SubscribeOptions.packager("hls"), stream);
                    stream.attach(sub);
                } catch (StreamNotFoundException | IllegalStateException gone) {
                    stream.end(404, "stream ended");
                }
            }

            @Override
            public void onStreamEnded(StreamView view) {
                HlsStream s = streams.get(view.key());
                if (s != null) {
                    s.end(404, "stream ended");
                }
            }
        });
        ctx.scheduler().scheduleWithFixedDelay(() -> {
            long now = System.nanoTime();
            for (HlsStream s : streams.values()) {
                s.sweep(now);
            }
        }, 100, 100, TimeUnit.MILLISECONDS);
        LOG.log(System.Logger.Level.INFO, "hls: /hls/{app}/{stream}/index.m3u8, " + config.format + " by default"
                + (segmentFiles != null ? ", segments sent with sendfile from " + segmentFiles.dir() : "")
                + (config.mirror ? ", mirrored to " + mirrorRoot : ""));
    }

    /**
     * Applies the packaging settings ({@code format}, {@code lowLatency}, {@code segmentMs}, {@code partMs},
     * {@code window}, {@code apps}, {@code maxSegment*}) in place: each live stream whose settings changed keeps its
     * playlist and cuts its next segments with the new ones; new streams start with them. {@code zeroCopyDir} too:
     * the next finished segments go to the new folder (or stay in memory). The other keys (serving, mirror, buffers)
     * are fixed for a run: a change to them restarts the plugin.
     */
    @Override
    public boolean reconfigure(Object newConfig) {
        HlsConfig next = (HlsConfig) newConfig;
        HlsConfig old = config;
        if (!next.corsOrigin.equals(old.corsOrigin) || next.accessCacheMs != old.accessCacheMs
                || next.mirror != old.mirror || !next.mirrorDir.equals(old.mirrorDir)
                || next.directBuffers != old.directBuffers) {
            return false;
        }
        config = next;
        if (!next.zeroCopyDir.equals(old.zeroCopyDir)) {
            SegmentFiles files = SegmentFiles.in(next.zeroCopyDir);
            segmentFiles = files;
            for (HlsStream s : streams.values()) {
                s.keepSegmentsIn(files);
            }
        }
        for (HlsStream s : streams.values()) {
            StreamSettings now = next.settings(s.key().app());
            if (!now.equals(old.settings(s.key().app()))) {
                s.reconfigure(now);
            }
        }
        return true;
    }

    private static String nextSid() {
        long now = System.currentTimeMillis();
        long sid = LAST_SID.updateAndGet(last -> Math.max(now, last + 1));
        return Long.toString(sid, 36);
    }

    @Override
    public void stop() {
        stopping = true;
        for (HlsStream s : streams.values()) {
            s.end(503, "the hls plugin stopped");
        }
        streams.clear();
    }
}
