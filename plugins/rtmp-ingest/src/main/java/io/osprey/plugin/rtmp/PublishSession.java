package io.osprey.plugin.rtmp;

import io.osprey.media.amf0.Amf0Exception;
import io.osprey.media.amf0.Amf0Reader;
import io.osprey.media.amf0.Amf0Writer;
import io.osprey.media.codec.AacConfig;
import io.osprey.media.codec.AvcConfig;
import io.osprey.media.codec.CodecException;
import io.osprey.media.codec.H264Sps;
import io.osprey.media.codec.H265Sps;
import io.osprey.media.codec.HevcConfig;
import io.osprey.media.flv.FlvFormatException;
import io.osprey.media.flv.FlvMedia;
import io.osprey.media.flv.MediaPacket;
import io.osprey.media.flv.FlvTag;
import io.osprey.spi.bus.Codec;
import io.osprey.spi.bus.Frame;
import io.osprey.spi.bus.MediaKind;
import io.osprey.spi.bus.Publisher;
import io.osprey.spi.bus.StreamKey;
import io.osprey.spi.bus.TrackInfo;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A publisher's side of the bus, the same for RTMP and HTTP-FLV push: audio/video FLV tag bodies (RTMP message types
 * 8 and 9 carry exactly these) become frames, sequence headers become track configs (with resolution and sample rate
 * read from them), {@code @setDataFrame onMetaData} becomes the stream's metadata. Timestamps are unwrapped from 32
 * bits. Called by one thread at a time (the connection's reads); {@link #lastMediaNanos} is read by the watchdog.
 */
final class PublishSession {

    private static final System.Logger LOG = System.getLogger(PublishSession.class.getName());

    private final Publisher publisher;
    private final StreamKey key;
    private final String who;
    private final long startedNanos = System.nanoTime();
    private volatile long lastMediaNanos;
    private final Set<Integer> declared = new HashSet<>();
    private Map<String, Object> metadata = Map.of();
    private long epoch;
    private long last32 = -1;
    private int unsupported;

    PublishSession(Publisher publisher, StreamKey key, String who) {
        this.publisher = publisher;
        this.key = key;
        this.who = who;
    }

    /** When publishing started, {@link System#nanoTime()}. */
    long startedNanos() {
        return startedNanos;
    }

    /** When the last audio or video frame was pushed, {@link System#nanoTime()}; 0 before the first. */
    long lastMediaNanos() {
        return lastMediaNanos;
    }

    StreamKey key() {
        return key;
    }

    /**
     * An audio ({@link FlvTag#AUDIO}) or video ({@link FlvTag#VIDEO}) tag body with its 32-bit timestamp.
     *
     * @throws FlvFormatException if the body is malformed (the caller closes the connection)
     */
    void onMedia(int type, long timestamp32, ByteBuffer body) throws FlvFormatException {
        long ts = unwrap(timestamp32);
        List<MediaPacket> packets = type == FlvTag.VIDEO ? FlvMedia.parseVideo(body) : FlvMedia.parseAudio(body);
        if (packets.isEmpty() && body.hasRemaining() && unsupported++ == 0) {
            LOG.log(Level.WARNING, "{0}: {1}: unsupported {2} codec; ignoring it", who, key,
                    type == FlvTag.VIDEO ? "video" : "audio");
        }
        for (MediaPacket p : packets) {
            switch (p.kind()) {
                case CONFIG -> {
                    publisher.setTrack(track(p));
                    declared.add(trackKey(p));
                }
                case FRAME -> {
                    if (!declared.contains(trackKey(p))) {
                        if (p.codec().needsConfig()) {
                            continue; // no sequence header yet: undecodable, skip
                        }
                        publisher.setTrack(track(p));
                        declared.add(trackKey(p));
                    }
                    publisher.push(Frame.media(p.track(), p.codec(), ts, p.cts(), p.key(), p.payload()));
                    lastMediaNanos = System.nanoTime();
                }
                default -> { }
            }
        }
    }

    private static int trackKey(MediaPacket p) {
        return p.codec().kind().ordinal() << 16 | p.track();
    }

    private TrackInfo track(MediaPacket p) {
        Codec c = p.codec();
        ByteBuffer cfg = p.kind() == MediaPacket.PacketKind.CONFIG ? p.payload() : null;
        double fps = number("framerate");
        try {
            switch (c) {
                case H264 -> {
                    H264Sps sps = AvcConfig.parse(cfg).firstSps();
                    return TrackInfo.video(p.track(), c, cfg, sps.width(), sps.height(),
                            sps.frameRate() > 0 ? sps.frameRate() : fps);
                }
                case H265 -> {
                    H265Sps sps = HevcConfig.parse(cfg).firstSps();
                    return TrackInfo.video(p.track(), c, cfg, sps.width(), sps.height(), fps);
                }
                case AAC -> {
                    AacConfig a = AacConfig.parse(cfg);
                    return TrackInfo.audio(p.track(), c, cfg, a.outputSampleRate(), a.channels());
                }
                default -> { }
            }
        } catch (CodecException | RuntimeException e) {
            LOG.log(Level.WARNING, "{0}: {1}: unreadable {2} config ({3}); passing it on as is", who, key, c,
                    e.getMessage());
        }
        if (c.kind() == MediaKind.VIDEO) {
            return TrackInfo.video(p.track(), c, cfg, (int) number("width"), (int) number("height"), fps);
        }
        return TrackInfo.audio(p.track(), c, cfg, p.sampleRate(), p.channels());
    }

    private double number(String name) {
        Object v = metadata.get(name);
        return v instanceof Double d && Double.isFinite(d) && d > 0 && d < 100_000 ? d : 0;
    }

    /** A script data body (RTMP data message, FLV script tag) with its 32-bit timestamp. */
    @SuppressWarnings("unchecked")
    void onData(long timestamp32, ByteBuffer body) throws Amf0Exception {
        ByteBuffer payload = body;
        List<Object> values = new Amf0Reader(payload.duplicate()).readAll();
        if (values.isEmpty() || !(values.get(0) instanceof String name)) {
            return;
        }
        if (name.equals("@setDataFrame") && values.size() >= 2) {
            values = values.subList(1, values.size());
            payload = ByteBuffer.wrap(Amf0Writer.encode(values.toArray()));
            name = values.get(0) instanceof String s ? s : "";
        }
        if (name.equals("onMetaData") && values.size() >= 2 && values.get(1) instanceof Map<?, ?> md) {
            metadata = (Map<String, Object>) md;
            publisher.setMetadata(metadata);
            return;
        }
        publisher.push(Frame.data(unwrap(timestamp32), payload));
    }

    /** RTMP timestamps are 32-bit and wrap after 49.7 days (HOSTILE-INPUTS B7). */
    private long unwrap(long ts32) {
        if (last32 >= 0 && ts32 < last32 && last32 - ts32 > 0x80000000L) {
            epoch += 1L << 32;
        } else if (last32 >= 0 && ts32 > last32 && ts32 - last32 > 0x80000000L && epoch > 0) {
            return epoch - (1L << 32) + ts32; // a late frame from before the wrap
        }
        last32 = ts32;
        return epoch + ts32;
    }

    /** The client ended the stream on purpose. */
    void close(String why) {
        LOG.log(Level.INFO, "{0}: {1} unpublished ({2})", who, key, why);
        publisher.close();
    }

    /** The connection went away: the bus waits for a reconnect. */
    void lost(String reason) {
        publisher.disconnect(reason);
    }
}
