package io.osprey.plugin.httpflv.relay;

import io.osprey.media.amf0.Amf0Exception;
import io.osprey.media.amf0.Amf0Reader;
import io.osprey.media.codec.AacConfig;
import io.osprey.media.codec.AvcConfig;
import io.osprey.media.codec.CodecException;
import io.osprey.media.codec.H264Sps;
import io.osprey.media.codec.H265Sps;
import io.osprey.media.codec.HevcConfig;
import io.osprey.media.flv.FlvFormatException;
import io.osprey.media.flv.FlvMedia;
import io.osprey.media.flv.FlvReader;
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
import java.util.Set;

/**
 * FLV tags (from {@link FlvReader}) into a bus {@link Publisher}: sequence headers become track configs with the
 * resolution and sample rate read from them, {@code onMetaData} becomes the stream's metadata, other script tags
 * become data frames, and 32-bit tag timestamps are unwrapped. A malformed body fails the reader (the caller
 * drops that connection). Not thread-safe.
 */
public final class FlvIngest implements FlvReader.Listener {

    private final Publisher publisher;
    private final Set<Integer> declared = new HashSet<>();
    private Map<String, Object> metadata = Map.of();
    private long epoch;
    private long last32 = -1;
    private long frames;

    public FlvIngest(Publisher publisher) {
        this.publisher = publisher;
    }

    /** Media frames pushed so far. */
    public long frames() {
        return frames;
    }

    @Override
    public void onHeader(boolean audio, boolean video) {
    }

    @Override
    @SuppressWarnings("unchecked")
    public void onTag(FlvTag tag) throws FlvFormatException {
        long ts = unwrap(tag.timestamp());
        if (tag.type() == FlvTag.SCRIPT) {
            List<Object> values;
            try {
                values = new Amf0Reader(tag.body().duplicate()).readAll();
            } catch (Amf0Exception e) {
                throw new FlvFormatException("bad script tag: " + e.getMessage());
            }
            if (!values.isEmpty() && "onMetaData".equals(values.get(0)) && values.size() >= 2
                    && values.get(1) instanceof Map<?, ?> md) {
                metadata = (Map<String, Object>) md;
                publisher.setMetadata(metadata);
            } else if (!values.isEmpty()) {
                publisher.push(Frame.data(ts, tag.body()));
            }
            return;
        }
        List<MediaPacket> packets = tag.type() == FlvTag.VIDEO ? FlvMedia.parseVideo(tag.body())
                : FlvMedia.parseAudio(tag.body());
        for (MediaPacket p : packets) {
            switch (p.kind()) {
                case CONFIG -> {
                    publisher.setTrack(track(p));
                    declared.add(trackKey(p));
                }
                case FRAME -> {
                    if (!declared.contains(trackKey(p))) {
                        if (p.codec().needsConfig()) {
                            continue; // no sequence header yet: undecodable
                        }
                        publisher.setTrack(track(p));
                        declared.add(trackKey(p));
                    }
                    publisher.push(Frame.media(p.track(), p.codec(), ts, p.cts(), p.key(), p.payload()));
                    frames++;
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
            // unreadable config: pass it on as is, dimensions from the metadata
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

    /** FLV timestamps are 32-bit and wrap after 49.7 days. */
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
