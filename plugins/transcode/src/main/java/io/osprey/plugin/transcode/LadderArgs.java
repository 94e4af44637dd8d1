package io.osprey.plugin.transcode;

import io.osprey.plugin.transcode.TranscodeConfig.Rendition;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The ffmpeg command of one ladder: the source's FLV on stdin, decoded once, split and scaled per rendition,
 * each encoded to H.264, all written as one Enhanced-FLV multitrack stream on stdout (video track {@code i} is
 * rendition {@code i}; one audio track shared by all).
 *
 * <p>Live settings: key frames are forced where the source has them ({@code -force_key_frames source}) and never
 * elsewhere (a GOP far longer than the source's, no scene cut), so every rendition's GOPs, and so its HLS
 * segments, start at the same timestamps as the source's; {@code -copyts} keeps the source's timestamps; x264 runs
 * with {@code -tune zerolatency} (no B-frames, no look-ahead), openh264 has neither. AAC audio is copied once (one
 * audio track shared by every rendition); other audio is encoded to AAC once per rendition at its {@code audioKbps}
 * (audio track {@code i} = rendition {@code i}). Small probe and no input buffering keep the added latency to the
 * encoders' own.
 */
final class LadderArgs {

    /** Key frames are forced at the source's; this only bounds the GOP when the source has no key frames. */
    static final int MAX_GOP_FRAMES = 600;

    private LadderArgs() {
    }

    /**
     * @param encoder     libx264 or libopenh264
     * @param audio       whether the source has audio
     * @param audioIsAac  whether that audio is AAC (then copied)
     */
    static List<String> of(List<Rendition> ladder, String encoder, String preset, boolean audio, boolean audioIsAac) {
        List<String> a = new ArrayList<>(List.of("-loglevel", "warning", "-fflags", "+nobuffer",
                "-probesize", "65536", "-analyzeduration", "1000000", "-f", "flv", "-i", "pipe:0", "-copyts"));
        StringBuilder graph = new StringBuilder("[0:v:0]split=").append(ladder.size());
        for (int i = 0; i < ladder.size(); i++) {
            graph.append("[s").append(i).append(']');
        }
        for (int i = 0; i < ladder.size(); i++) {
            Rendition r = ladder.get(i);
            graph.append(";[s").append(i).append(']');
            if (r.fps > 0) {
                graph.append("fps=").append(num(r.fps)).append(',');
            }
            graph.append("scale=-2:").append(r.height).append(",format=yuv420p[v").append(i).append(']');
        }
        a.addAll(List.of("-filter_complex", graph.toString()));
        for (int i = 0; i < ladder.size(); i++) {
            Rendition r = ladder.get(i);
            String v = ":v:" + i;
            a.addAll(List.of("-map", "[v" + i + "]", "-c" + v, encoder, "-b" + v, r.videoKbps + "k",
                    "-maxrate" + v, r.videoKbps + "k", "-bufsize" + v, r.videoKbps + "k"));
        }
        a.addAll(List.of("-force_key_frames", "source", "-g", String.valueOf(MAX_GOP_FRAMES)));
        if (encoder.equals("libx264")) {
            a.addAll(List.of("-preset", preset, "-tune", "zerolatency", "-sc_threshold", "0", "-bf", "0"));
        } else {
            a.addAll(List.of("-rc_mode", "bitrate"));
        }
        if (audio && audioIsAac) {
            a.addAll(List.of("-map", "0:a:0", "-c:a", "copy"));
        } else if (audio) {
            for (int i = 0; i < ladder.size(); i++) {
                a.addAll(List.of("-map", "0:a:0", "-c:a:" + i, "aac", "-b:a:" + i, ladder.get(i).audioKbps + "k"));
            }
        }
        a.addAll(List.of("-flush_packets", "1", "-flvflags", "no_duration_filesize", "-f", "flv", "pipe:1"));
        return a;
    }

    private static String num(double d) {
        return d == Math.rint(d) ? String.valueOf((long) d) : String.format(Locale.ROOT, "%.3f", d);
    }
}
