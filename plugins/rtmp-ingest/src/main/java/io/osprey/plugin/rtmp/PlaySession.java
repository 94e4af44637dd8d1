package io.osprey.plugin.rtmp;

import io.osprey.media.flv.FlvMedia;
import io.osprey.media.live.WriteMerger;
import io.osprey.plugin.rtmp.protocol.MessageType;
import io.osprey.plugin.rtmp.protocol.ProtocolControl;
import io.osprey.plugin.rtmp.protocol.RtmpMessage;
import io.osprey.spi.bus.Frame;
import io.osprey.spi.bus.MediaKind;
import io.osprey.spi.bus.StreamKey;
import io.osprey.spi.bus.StreamView;
import io.osprey.spi.bus.Subscription;
import io.osprey.spi.bus.SubscriptionListener;
import io.osprey.spi.bus.TrackInfo;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An RTMP viewer: starts with configs and the cached GOP, then live frames, with the bus's slow-viewer policy.
 * Each frame is chunked once per stream into a {@link ChunkLog} shared by every viewer using the announced chunk size
 * and message stream id 1 (all ordinary clients); a viewer on another message stream id gets the shared message body
 * chunked by its own connection.
 */
final class PlaySession implements SubscriptionListener {

    static final Frame.Memo<ByteBuffer> RTMP_BODY = new Frame.Memo<>("rtmp-body");
    private static final int BATCH = 64;

    private final RtmpConnection conn;
    private final int streamId;
    private final StreamKey key;
    private volatile Subscription sub;
    private volatile boolean closed;
    /** The stream's shared chunked bytes, or null to chunk per connection. */
    private final ChunkLog log;
    private final Runnable releaseLog;
    private final WriteMerger merger;
    private final AtomicInteger players;
    private final Runnable demander = this::demand;
    private volatile long sent;

    PlaySession(RtmpConnection conn, int streamId, StreamKey key, ChunkLog log, Runnable releaseLog,
                WriteMerger merger, AtomicInteger players) {
        this.conn = conn;
        this.streamId = streamId;
        this.key = key;
        this.log = log;
        this.releaseLog = releaseLog;
        this.merger = merger;
        this.players = players;
        players.incrementAndGet();
    }

    void begin(Subscription s) {
        this.sub = s;
        Map<String, Object> md = new LinkedHashMap<>(s.stream().metadata());
        for (TrackInfo t : s.stream().tracks()) {
            if (t.kind() == MediaKind.VIDEO && t.width() > 0) {
                md.put("width", (double) t.width());
                md.put("height", (double) t.height());
            }
        }
        conn.send(ProtocolControl.streamBegin(streamId),
                Commands.status(streamId, "status", "NetStream.Play.Reset", "Playing and resetting " + key + "."),
                Commands.status(streamId, "status", "NetStream.Play.Start", "Started playing " + key + "."),
                Commands.data(streamId, 0, "|RtmpSampleAccess", true, true),
                Commands.data(streamId, 0, "onMetaData", new io.osprey.media.amf0.Amf0EcmaArray(md)));
    }

    @Override
    public void onReadable(Subscription s) {
        if (closed) {
            return;
        }
        List<Frame> frames = new ArrayList<>(BATCH);
        int n = s.poll(frames, BATCH);
        if (n < 0) {
            conn.send(ProtocolControl.streamEof(streamId),
                    Commands.status(streamId, "status", "NetStream.Play.UnpublishNotify", key + " ended."));
            conn.closeWith("played stream " + key + " ended (" + s.endReason() + ")");
            return;
        }
        if (n == 0) {
            s.demand();
            return;
        }
        try {
            send(s, frames);
        } finally {
            frames.forEach(Frame::release); // what is sent are chunk-log slices and memo bodies: copies
        }
    }

    private void send(Subscription s, List<Frame> frames) {
        StreamView stream = s.stream();
        List<TrackInfo> tracks = stream.tracks();
        long bytes = 0;
        ChunkLog log = this.log;
        if (log != null && streamId == ChunkLog.STREAM_ID && conn.outChunkSize() == log.chunkSize()) {
            // shared bytes: runs of consecutive frames are one slice each, chunked once per stream for all viewers
            List<ByteBuffer> out = new ArrayList<>(4);
            int csids = 0;
            ChunkLog.Slot first = null;
            ChunkLog.Slot last = null;
            for (Frame f : frames) {
                ChunkLog.Slot slot = log.slot(f, tracks);
                csids |= 1 << slot.csid();
                bytes += slot.length();
                if (first != null && slot.follows(last)) {
                    last = slot;
                    continue;
                }
                if (first != null) {
                    out.add(ChunkLog.bytes(first, last));
                }
                first = slot;
                last = slot;
            }
            out.add(ChunkLog.bytes(first, last));
            s.addBytesOut(bytes);
            sent += bytes;
            conn.sendChunked(out, csids);
            return;
        }
        List<RtmpMessage> out = new ArrayList<>(frames.size());
        for (Frame f : frames) {
            ByteBuffer body = f.memo(RTMP_BODY, fr -> body(fr, tracks)).duplicate();
            RtmpMessage m = message(f, tracks, body, streamId);
            bytes += body.remaining();
            out.add(m);
        }
        s.addBytesOut(bytes);
        sent += bytes;
        conn.send(out);
    }

    /** The RTMP message of a frame: audio, video or AMF0 data on its chunk stream, with the frame's absolute time. */
    static RtmpMessage message(Frame f, List<TrackInfo> tracks, ByteBuffer body, int streamId) {
        int type = f.kind() == MediaKind.VIDEO ? MessageType.VIDEO
                : f.kind() == MediaKind.AUDIO ? MessageType.AUDIO : MessageType.DATA_AMF0;
        int csid = type == MessageType.VIDEO ? Commands.CSID_VIDEO
                : type == MessageType.AUDIO ? Commands.CSID_AUDIO : Commands.CSID_DATA;
        return new RtmpMessage(csid, type, f.dts() & 0xFFFFFFFFL, streamId, body);
    }

    static ByteBuffer body(Frame f, List<TrackInfo> tracks) {
        return switch (f.kind()) {
            case VIDEO -> FlvMedia.videoBody(f);
            case AUDIO -> {
                TrackInfo track = null;
                for (TrackInfo t : tracks) {
                    if (t.kind() == MediaKind.AUDIO && t.id() == f.track()) {
                        track = t;
                    }
                }
                yield FlvMedia.audioBody(f, track);
            }
            case DATA -> FlvMedia.scriptBody(f);
        };
    }

    /** The connection's queue is empty: ask the bus for more, now or after the merge window. */
    void onDrained() {
        if (!merger.defer(demander)) {
            demand();
        }
    }

    private void demand() {
        Subscription s = sub;
        if (s != null && !closed) {
            s.demand();
        }
    }

    StreamKey key() {
        return key;
    }

    /** Bytes of media written to this viewer so far. */
    long bytesSent() {
        return sent;
    }

    void close() {
        synchronized (this) {
            if (!closed) {
                players.decrementAndGet();
                if (releaseLog != null) {
                    releaseLog.run();
                }
            }
            closed = true;
        }
        Subscription s = sub;
        if (s != null) {
            s.close();
        }
    }
}
