package io.osprey.plugin.hls;

import io.osprey.media.codec.AacConfig;
import io.osprey.media.codec.AvcConfig;
import io.osprey.spi.bus.Codec;
import io.osprey.spi.bus.MediaKind;
import io.osprey.spi.bus.StreamView;
import io.osprey.spi.bus.TrackInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A multivariant ("master") playlist, RFC 8216 4.3.4.2: one {@code EXT-X-STREAM-INF} per rendition of a stream, the
 * source first, each pointing at that rendition's media playlist. Attributes per variant:
 * <ul>
 * <li>{@code BANDWIDTH} (required; "the peak segment bit rate"): the rendition's declared {@code videodatarate} +
 * {@code audiodatarate} (kbit/s, its encoder's cap) when its metadata has them, else the measured bit rate, and never
 * below the measured bit rate (plus 10 % for container overhead, a measured figure has no headroom);</li>
 * <li>{@code AVERAGE-BANDWIDTH}: the measured payload bit rate of the last seconds when there is one;</li>
 * <li>{@code CODECS} (RFC 6381, from the codec configs: {@code avc1.PPCCLL}, {@code mp4a.40.N});</li>
 * <li>{@code RESOLUTION} and {@code FRAME-RATE} (signalled, else measured) when known.</li>
 * </ul>
 * Pure: built from {@link StreamView}s; the URIs are relative to {@code /hls/{app}/{stream}/master.m3u8}.
 */
final class MasterPlaylist {

    /** One variant: its stream and the URI of its media playlist. */
    record Variant(StreamView stream, String uri) {
    }

    private MasterPlaylist() {
    }

    static String render(List<Variant> variants) {
        StringBuilder b = new StringBuilder("#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-INDEPENDENT-SEGMENTS\n");
        for (Variant v : variants) {
            b.append("#EXT-X-STREAM-INF:").append(String.join(",", attributes(v.stream()))).append('\n')
                    .append(v.uri()).append('\n');
        }
        return b.toString();
    }

    static List<String> attributes(StreamView s) {
        long measured = s.stats().bitrateIn();
        long declared = (long) ((number(s.metadata(), "videodatarate") + number(s.metadata(), "audiodatarate")) * 1000);
        long peak = Math.max(declared, measured + measured / 10);
        List<String> a = new ArrayList<>();
        a.add("BANDWIDTH=" + Math.max(1, peak));
        if (measured > 0) {
            a.add("AVERAGE-BANDWIDTH=" + measured);
        }
        List<String> codecs = new ArrayList<>();
        TrackInfo video = null;
        for (TrackInfo t : s.tracks()) {
            if (t.id() != 0) {
                continue;
            }
            String c = codec(t);
            if (c != null) {
                codecs.add(c);
            }
            if (t.kind() == MediaKind.VIDEO) {
                video = t;
            }
        }
        if (!codecs.isEmpty()) {
            a.add("CODECS=\"" + String.join(",", codecs) + "\"");
        }
        if (video != null && video.width() > 0 && video.height() > 0) {
            a.add("RESOLUTION=" + video.width() + "x" + video.height());
        }
        double fps = video != null && video.frameRate() > 0 ? video.frameRate() : s.stats().videoFps();
        if (video != null && fps > 0) {
            a.add(String.format(Locale.ROOT, "FRAME-RATE=%.3f", fps));
        }
        return a;
    }

    /** The RFC 6381 codec string of a track, or null when its config cannot say. */
    static String codec(TrackInfo t) {
        try {
            if (t.codec() == Codec.H264 && t.config().hasRemaining()) {
                return AvcConfig.parse(t.config()).codecString();
            }
            if (t.codec() == Codec.AAC && t.config().hasRemaining()) {
                return AacConfig.parse(t.config()).codecString();
            }
            if (t.codec() == Codec.MP3) {
                return "mp4a.40.34";
            }
        } catch (Exception e) {
            return null;
        }
        return null;
    }

    private static double number(Map<String, Object> md, String key) {
        Object v = md.get(key);
        return v instanceof Number n && Double.isFinite(n.doubleValue()) && n.doubleValue() > 0
                && n.doubleValue() < 1_000_000 ? n.doubleValue() : 0;
    }
}
