package io.osprey.plugin.rtmp;

import io.osprey.media.flv.FlvMedia;
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

/**
 * An RTMP viewer: starts with configs and the cached GOP, then live frames, with the bus's slow-viewer policy.
 * Message bodies are built once per frame and shared by all RTMP viewers; only chunk headers are per connection.
 */
final class PlaySession implements SubscriptionListener {

    static final Frame.Memo<ByteBuffer> RTMP_BODY = new Frame.Memo<>("rtmp-body");
    private static final int BATCH = 64;

    private final RtmpConnection conn;
    private final int streamId;
    private final StreamKey key;
    private volatile Subscription sub;
    private volatile boolean closed;

    PlaySession(RtmpConnection conn, int streamId, StreamKey key) {
        this.conn = conn;
        this.streamId = streamId;
        this.key = key;
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
        StreamView stream = s.stream();
        List<RtmpMessage> out = new ArrayList<>(n);
        long bytes = 0;
        for (Frame f : frames) {
            ByteBuffer body = f.memo(RTMP_BODY, fr -> body(fr, stream.tracks())).duplicate();
            int type = f.kind() == MediaKind.VIDEO ? MessageType.VIDEO
                    : f.kind() == MediaKind.AUDIO ? MessageType.AUDIO : MessageType.DATA_AMF0;
            int csid = type == MessageType.VIDEO ? Commands.CSID_VIDEO
                    : type == MessageType.AUDIO ? Commands.CSID_AUDIO : Commands.CSID_DATA;
            bytes += body.remaining();
            out.add(new RtmpMessage(csid, type, f.dts() & 0xFFFFFFFFL, streamId, body));
        }
        s.addBytesOut(bytes);
        conn.send(out);
    }

    private static ByteBuffer body(Frame f, List<TrackInfo> tracks) {
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

    /** The connection's queue is empty: ask the bus for more. */
    void onDrained() {
        Subscription s = sub;
        if (s != null && !closed) {
            s.demand();
        }
    }

    void close() {
        closed = true;
        Subscription s = sub;
        if (s != null) {
            s.close();
        }
    }
}
