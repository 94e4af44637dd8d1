package io.osprey.media.live;

import io.osprey.media.amf0.Amf0Exception;
import io.osprey.media.amf0.Amf0Reader;
import io.osprey.media.amf0.Amf0Writer;
import io.osprey.media.buffer.DirectLog;
import io.osprey.media.buffer.DirectPool;
import io.osprey.media.codec.AacConfig;
import io.osprey.media.codec.AvcConfig;
import io.osprey.media.codec.CodecException;
import io.osprey.media.codec.H264Sps;
import io.osprey.media.codec.H265Sps;
import io.osprey.media.codec.HevcConfig;
import io.osprey.media.flv.FlvFormatException;
import io.osprey.media.flv.FlvMedia;
import io.osprey.media.flv.FlvTag;
import io.osprey.media.flv.MediaPacket;
import io.osprey.spi.bus.Codec;
import io.osprey.spi.bus.Frame;
import io.osprey.spi.bus.MediaKind;
import io.osprey.spi.bus.Publisher;
import io.osprey.spi.bus.TrackInfo;
import java.nio.ByteBuffer;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;

/**
 * FLV tag bodies into a bus {@link Publisher}, the same for every FLV-speaking ingest (RTMP messages 8/9/18 carry
 * exactly these bodies; HTTP-FLV push and relay pulls read them from FLV tags): sequence headers become track configs
 * with the resolution and sample rate read from them (E.4.3.1, ISO 14496-15, ISO 14496-3), {@code onMetaData}
 * (also behind {@code @setDataFrame}) becomes the stream's metadata, other script data becomes data frames, and
 * 32-bit timestamps are unwrapped (HOSTILE-INPUTS B7). Not thread-safe: one ingest connection's reads.
 *
 * <p>Media frame payloads are copied into this publisher's own pooled {@link DirectLog}, off the Java heap: the bus
 * keeps seconds of every stream, and as heap arrays those bytes would be promoted and copied by every
 * old-generation collection. The frames are pooled ({@link Frame#isPooled}): once the bus and every subscriber
 * released the frames of a segment, it goes back to {@link DirectPool#shared()} for the next one, so a steady
 * stream reuses the same memory. The body handed in is not kept (it may be reused or die young).
 * {@link #close} when the publisher is done.
 *
 * <p>Part of the live runtime, not of the FLV format (it pushes into the bus and takes JVM-wide pooled memory); it
 * lived in {@code io.osprey.media.flv} before, where a deprecated alias still forwards to it.
 */
public final class FlvToBus {

    private final Publisher publisher;
    private final Consumer<String> warn;
    private final Set<Integer> declared = new HashSet<>();
    /**
     * Payload log segments of 64 KB, not the default 256: a segment is held until the last frame in it is released,
     * so a stream holds what its ring retains rounded up to whole segments, plus the one being filled. At 1 Mbit/s
     * 256 KB is two seconds of media, as much as the ring keeps of a stream nobody views.
     */
    static final int PAYLOAD_SEGMENT_BYTES = 64 * 1024;

    private final DirectLog payloads = new DirectLog(PAYLOAD_SEGMENT_BYTES, DirectPool.shared());
    private Map<String, Object> metadata = Map.of();
    private long epoch;
    private long last32 = -1;
    private int unsupported;

    /**
     * @param warn told (rarely: once per unsupported codec, once per unreadable config) what was passed over
     */
    public FlvToBus(Publisher publisher, Consumer<String> warn) {
        this.publisher = Objects.requireNonNull(publisher, "publisher");
        this.warn = warn == null ? m -> { } : warn;
    }

    /**
     * An audio ({@link FlvTag#AUDIO}) or video ({@link FlvTag#VIDEO}) body with its 32-bit timestamp.
     *
     * @return the number of media frames pushed (0 for configs, unsupported codecs, frames before their config)
     * @throws FlvFormatException if the body is malformed
     */
    public int media(int type, long timestamp32, ByteBuffer body) throws FlvFormatException {
        long ts = unwrap(timestamp32);
        List<MediaPacket> packets = type == FlvTag.VIDEO ? FlvMedia.parseVideo(body) : FlvMedia.parseAudio(body);
        if (packets.isEmpty() && body.hasRemaining() && unsupported++ == 0) {
            warn.accept("unsupported " + (type == FlvTag.VIDEO ? "video" : "audio") + " codec; ignoring it");
        }
        int pushed = 0;
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
                    DirectLog.Counted payload = payloads.appendCounted(p.payload());
                    publisher.push(Frame.media(p.track(), p.codec(), ts, p.cts(), p.key(), payload.bytes(),
                            payload.owner()));
                    pushed++;
                }
                default -> { }
            }
        }
        return pushed;
    }

    /** A script data body (RTMP data message, FLV script tag) with its 32-bit timestamp. */
    @SuppressWarnings("unchecked")
    public void data(long timestamp32, ByteBuffer body) throws Amf0Exception {
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
        publisher.push(Frame.data(unwrap(timestamp32), payload == body ? copy(body) : payload));
    }

    /** A heap copy of the remaining bytes: what is kept must not be a view of the caller's (reused) buffer. */
    private static ByteBuffer copy(ByteBuffer b) {
        ByteBuffer c = ByteBuffer.allocate(b.remaining());
        c.put(b.duplicate()).flip();
        return c;
    }

    /**
     * Lets go of the payload memory this publisher still writes into (it returns to the pool once its frames are
     * released). May be called from another thread than the reads; media after it still works (each payload then
     * in a buffer of its own). Idempotent.
     */
    public void close() {
        payloads.close();
    }

    /** The latest {@code onMetaData} values. */
    public Map<String, Object> metadata() {
        return metadata;
    }

    private static int trackKey(MediaPacket p) {
        return p.codec().kind().ordinal() << 16 | p.track();
    }

    private TrackInfo track(MediaPacket p) {
        Codec c = p.codec();
        ByteBuffer cfg = p.kind() == MediaPacket.PacketKind.CONFIG ? copy(p.payload()) : null; // kept by the track
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
            warn.accept("unreadable " + c + " config (" + e.getMessage() + "); passing it on as is");
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

    /** 32-bit timestamps wrap after 49.7 days; a late frame from before the wrap stays before it. */
    private long unwrap(long ts32) {
        if (last32 >= 0 && ts32 < last32 && last32 - ts32 > 0x80000000L) {
            epoch += 1L << 32;
        } else if (last32 >= 0 && ts32 > last32 && ts32 - last32 > 0x80000000L && epoch > 0) {
            return epoch - (1L << 32) + ts32;
        }
        last32 = ts32;
        return epoch + ts32;
    }
}
