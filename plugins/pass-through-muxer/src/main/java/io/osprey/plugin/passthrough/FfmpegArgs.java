package io.osprey.plugin.passthrough;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The argument lists of the probe and the remux. Every network input gets the protocol whitelist (so a playlist
 * cannot make ffmpeg open {@code file:} or other protocols), an I/O timeout, no reconnects, and the upstream
 * headers; redirects were already followed and checked by the {@link Fetcher}.
 */
final class FfmpegArgs {

    private static final String PROTOCOLS = "http,https,tcp,tls,crypto";

    private FfmpegArgs() {
    }

    /** {@code ffprobe -print_format json -show_format -show_streams} with a byte and time budget. */
    static List<String> probe(URI input, Map<String, String> headers, PassthroughConfig c) {
        List<String> a = new ArrayList<>(List.of("-v", "error", "-print_format", "json", "-show_format",
                "-show_streams", "-probesize", Long.toString(c.probeBytes), "-analyzeduration",
                Long.toString(c.analyzeMs * 1000)));
        input(a, input, headers, c);
        return a;
    }

    /**
     * {@code ffmpeg -i video [-i audio] -map ... -c copy} into fragmented MP4 on stdout: {@code empty_moov} puts
     * ftyp+moov first, {@code frag_keyframe} cuts a moof/mdat per key frame (ISO/IEC 14496-12 8.8), and
     * {@code default_base_moof} makes fragments self-contained for MSE.
     */
    static List<String> remux(URI video, URI audio, Map<String, String> headers, PassthroughConfig c) {
        List<String> a = new ArrayList<>(List.of("-v", "error"));
        input(a, video, headers, c);
        if (audio != null) {
            input(a, audio, headers, c);
            a.addAll(List.of("-map", "0:v:0", "-map", "1:a:0"));
        } else {
            a.addAll(List.of("-map", "0:v:0?", "-map", "0:a:0?"));
        }
        a.addAll(List.of("-c", "copy"));
        if (adts(video) || (audio != null && adts(audio))) {
            // MPEG-TS and raw AAC carry ADTS frames; MP4 wants the AudioSpecificConfig (ISO/IEC 14496-3 1.6.2.1)
            a.addAll(List.of("-bsf:a", "aac_adtstoasc"));
        }
        if (c.maxDurationSeconds > 0) {
            a.addAll(List.of("-t", Long.toString(c.maxDurationSeconds)));
        }
        a.addAll(List.of("-movflags", "frag_keyframe+empty_moov+default_base_moof", "-f", "mp4", "pipe:1"));
        return a;
    }

    /** Sources whose AAC (if any) comes in ADTS frames: HLS, MPEG-TS, raw AAC. */
    static boolean adts(URI u) {
        String p = u.getPath() == null ? "" : u.getPath().toLowerCase(java.util.Locale.ROOT);
        return p.endsWith(".m3u8") || p.endsWith(".m3u") || p.endsWith(".ts") || p.endsWith(".aac");
    }

    private static void input(List<String> a, URI input, Map<String, String> headers, PassthroughConfig c) {
        a.addAll(List.of("-protocol_whitelist", PROTOCOLS, "-rw_timeout", Long.toString(c.ioTimeoutMs * 1000),
                "-reconnect", "0"));
        StringBuilder h = new StringBuilder();
        headers.forEach((k, v) -> {
            if (k.equalsIgnoreCase("user-agent")) {
                a.addAll(List.of("-user_agent", v));
            } else {
                h.append(k).append(": ").append(v).append("\r\n");
            }
        });
        if (h.length() > 0) {
            a.addAll(List.of("-headers", h.toString()));
        }
        a.addAll(List.of("-i", input.toASCIIString()));
    }
}
