package io.osprey.media.mp4;

import io.osprey.media.codec.AacConfig;
import io.osprey.media.codec.CodecException;
import io.osprey.media.codec.HevcConfig;
import io.osprey.media.codec.AvcConfig;
import io.osprey.spi.bus.Codec;
import io.osprey.spi.bus.MediaKind;
import io.osprey.spi.bus.TrackInfo;
import java.util.ArrayList;
import java.util.List;

/**
 * How a bus track is laid out in fragmented MP4: its track_ID, timescale (90 kHz for video, the sample rate for
 * audio), displayed size, and sample durations to fall back on. The init and fragment writers derive it the same
 * way from the same track list, so their track IDs agree.
 *
 * @param trackId         track_ID, 1-based in list order among supported tracks
 * @param info            the bus track
 * @param timescale       ticks per second of the media timeline
 * @param width           video width, from the track or its SPS; 0 for audio
 * @param height          video height; 0 for audio
 * @param defaultDuration the duration of a sample with no successor, in ticks
 * @param frameDuration   the fixed duration of every audio frame (AAC 1024, MP3 1152/576 samples), 0 if variable;
 *                        millisecond jitter in the bus timestamps snaps to it
 */
public record Fmp4Track(int trackId, TrackInfo info, int timescale, int width, int height, int defaultDuration,
                        int frameDuration) {

    /** Codecs with an ISO BMFF sample entry here: H.264, H.265, AV1, AAC, MP3, Opus. */
    public static boolean supported(Codec codec) {
        return switch (codec) {
            case H264, H265, AV1, AAC, MP3, OPUS -> true;
            default -> false;
        };
    }

    /** The supported tracks of {@code tracks}, numbered from 1; others are left out. */
    public static List<Fmp4Track> of(List<TrackInfo> tracks) {
        List<Fmp4Track> out = new ArrayList<>(tracks.size());
        for (TrackInfo t : tracks) {
            if (supported(t.codec())) {
                out.add(of(out.size() + 1, t));
            }
        }
        return out;
    }

    static Fmp4Track of(int id, TrackInfo t) {
        if (t.kind() == MediaKind.VIDEO) {
            int width = t.width();
            int height = t.height();
            if (width == 0 || height == 0) {
                int[] size = spsSize(t);
                width = size[0];
                height = size[1];
            }
            int duration = t.frameRate() > 0 ? (int) Math.max(1, Math.round(90000 / t.frameRate())) : 3000;
            return new Fmp4Track(id, t, 90000, width, height, duration, 0);
        }
        AacConfig aac = null;
        if (t.codec() == Codec.AAC) {
            try {
                aac = AacConfig.parse(t.config());
            } catch (CodecException unusable) {
                aac = null;
            }
        }
        int rate = t.sampleRate() > 0 ? t.sampleRate() : aac != null ? aac.outputSampleRate()
                : t.codec() == Codec.MP3 ? 44100 : 48000;
        if (t.codec() == Codec.OPUS) {
            rate = 48000; // Opus in ISOBMFF 4.3: the media timescale should be 48000
        }
        int frame = switch (t.codec()) {
            case AAC -> (int) (1024L * rate / (aac != null ? aac.sampleRate() : rate));
            case MP3 -> rate < 32000 ? 576 : 1152;
            default -> 0;
        };
        return new Fmp4Track(id, t, rate, 0, 0, frame > 0 ? frame : rate / 50, frame);
    }

    private static int[] spsSize(TrackInfo t) {
        try {
            if (t.codec() == Codec.H264) {
                var sps = AvcConfig.parse(t.config()).firstSps();
                return new int[] {sps.width(), sps.height()};
            }
            if (t.codec() == Codec.H265) {
                var sps = HevcConfig.parse(t.config()).firstSps();
                return new int[] {sps.width(), sps.height()};
            }
        } catch (CodecException unusable) {
            // size stays unknown: players take it from the bitstream
        }
        return new int[] {0, 0};
    }

    /** {@code ms} on this track's timeline, floored. */
    public long ticks(long ms) {
        return Math.floorDiv(ms * timescale, 1000);
    }
}
