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
import io.osprey.plugin.rtmp.protocol.MessageType;
import io.osprey.plugin.rtmp.protocol.RtmpMessage;
import io.osprey.plugin.rtmp.protocol.RtmpProtocolException;
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
 * A publishing connection's side of the bus: RTMP audio/video messages (FLV tag bodies) become frames, sequence
 * headers become track configs (with resolution and sample rate read from them), {@code @setDataFrame onMetaData}
 * becomes the stream's metadata. Timestamps are unwrapped from 32 bits.
 */
final class PublishSession {

    private static final System.Logger LOG = System.getLogger(PublishSession.class.getName());

    private final Publisher publisher;
    private final StreamKey key;
    private final String who;
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

    void onMedia(RtmpMessage m) throws RtmpProtocolException {
        long ts = unwrap(m.timestamp());
        List<MediaPacket> packets;
        try {
            packets = m.type() == MessageType.VIDEO ? FlvMedia.parseVideo(m.payload()) : FlvMedia.parseAudio(m.payload());
        } catch (FlvFormatException e) {
            throw new RtmpProtocolException("bad " + MessageType.name(m.type()) + " message: " + e.getMessage());
        }
        if (packets.isEmpty() && m.payload().hasRemaining() && unsupported++ == 0) {
            LOG.log(Level.WARNING, "rtmp {0}: {1}: unsupported {2} codec; ignoring it", who, key,
                    m.type() == MessageType.VIDEO ? "video" : "audio");
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
            LOG.log(Level.WARNING, "rtmp {0}: {1}: unreadable {2} config ({3}); passing it on as is", who, key, c,
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

    @SuppressWarnings("unchecked")
    void onData(RtmpMessage m) throws Amf0Exception {
        ByteBuffer payload = m.payload();
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
        publisher.push(Frame.data(unwrap(m.timestamp()), payload));
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
        LOG.log(Level.INFO, "rtmp {0}: {1} unpublished ({2})", who, key, why);
        publisher.close();
    }

    /** The connection went away: the bus waits for a reconnect. */
    void lost(String reason) {
        publisher.disconnect(reason);
    }
}
