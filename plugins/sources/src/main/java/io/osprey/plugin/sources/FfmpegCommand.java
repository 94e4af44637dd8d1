package io.osprey.plugin.sources;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The ffmpeg and ffprobe arguments of a source. ffmpeg reads the source and writes FLV to its stdout
 * ({@code pipe:1}): the first video and audio streams, video copied, audio copied or converted to AAC. The kernel
 * prepends {@code -hide_banner -nostdin}.
 */
final class FfmpegCommand {

    /**
     * Audio copied as it is by {@code audio: auto}: AAC alone. MP3 is legacy FLV audio the bus reads (E.4.2.1) and
     * hls.js plays it in MPEG-TS, but not every player takes it (MP3 in fMP4 segments, set-top HLS players), so it
     * is converted like PCM, G.711, MP2 and Opus: every auto source reaches its viewers with AAC.
     */
    static final Set<String> PLAYABLE_AUDIO = Set.of("aac");

    private FfmpegCommand() {
    }

    /**
     * The worker's arguments.
     *
     * @param convertAudio whether the audio is converted to AAC (else copied)
     */
    static List<String> ffmpeg(SourceSpec spec, boolean convertAudio, SourcesConfig config) {
        List<String> a = new ArrayList<>(List.of("-loglevel", "warning"));
        a.addAll(input(spec, config));
        if (spec.realtimeOn()) {
            a.add("-re");
        }
        if (spec.loop) {
            a.addAll(List.of("-stream_loop", "-1"));
        }
        a.addAll(List.of("-i", inputUrl(spec), "-map", "0:v:0?", "-map", "0:a:0?", "-c:v", "copy"));
        if (convertAudio) {
            a.addAll(List.of("-c:a", "aac", "-b:a", config.aacKbps + "k"));
        } else {
            a.addAll(List.of("-c:a", "copy"));
        }
        a.addAll(List.of("-f", "flv", "-flvflags", "no_duration_filesize", "pipe:1"));
        return a;
    }

    /** ffprobe printing the codec name of the first audio stream (empty output: no audio). */
    static List<String> probeAudio(SourceSpec spec, SourcesConfig config) {
        List<String> a = new ArrayList<>(List.of("-v", "error"));
        a.addAll(input(spec, config));
        a.addAll(List.of("-select_streams", "a:0", "-show_entries", "stream=codec_name", "-of", "csv=p=0",
                inputUrl(spec)));
        return a;
    }

    /** Whether {@code audio: auto} converts audio that ffprobe named {@code codec} ("" when there is none). */
    static boolean autoConverts(String codec) {
        String c = codec.strip().toLowerCase(Locale.ROOT);
        return !c.isEmpty() && !PLAYABLE_AUDIO.contains(c);
    }

    /** Input options: the transport and an I/O timeout for network sources, so a silent peer ends the worker. */
    private static List<String> input(SourceSpec spec, SourcesConfig config) {
        String micros = String.valueOf(config.ioTimeoutMs * 1000);
        String scheme = spec.isFile() ? "file" : spec.scheme();
        return switch (scheme) {
            case "rtsp", "rtsps" -> List.of("-rtsp_transport", spec.rtspTransport, "-timeout", micros);
            case "http", "https", "rtmp", "rtmps" -> List.of("-rw_timeout", micros);
            default -> List.of();
        };
    }

    private static String inputUrl(SourceSpec spec) {
        return spec.isFile() ? "file:" + spec.path() : spec.url;
    }
}
