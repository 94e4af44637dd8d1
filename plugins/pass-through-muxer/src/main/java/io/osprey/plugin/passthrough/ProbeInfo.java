package io.osprey.plugin.passthrough;

import io.osprey.media.json.Json;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The /info answer from ffprobe's JSON ({@code -show_format -show_streams}) of the video and audio sources. */
final class ProbeInfo {

    /** Codecs the MP4 muxer carries when copying (ISO/IEC 14496-14 and its codec bindings). */
    private static final java.util.Set<String> MP4_CODECS = java.util.Set.of("h264", "hevc", "av1", "vp9", "mpeg4",
            "mpeg2video", "mjpeg", "aac", "mp3", "opus", "ac3", "eac3", "flac", "alac", "mp2", "vorbis");

    private ProbeInfo() {
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> build(Sources.Prepared src, String videoJson, String audioJson) {
        Map<String, Object> v = object(videoJson);
        Map<String, Object> format = v.get("format") instanceof Map<?, ?> f ? (Map<String, Object>) f : Map.of();
        List<Object> tracks = new ArrayList<>();
        double bitsPerSecond = number(format.get("bit_rate"));
        tracks.addAll(tracks(v, src.audio() == null ? null : "video"));
        if (audioJson != null) {
            Map<String, Object> a = object(audioJson);
            tracks.addAll(tracks(a, "audio"));
            if (a.get("format") instanceof Map<?, ?> af) {
                bitsPerSecond += number(((Map<String, Object>) af).get("bit_rate"));
            }
        }
        if (tracks.stream().noneMatch(t -> MP4_CODECS.contains(String.valueOf(((Map<?, ?>) t).get("codec"))))) {
            throw new Refusal(415, "the source is not playable media: no audio or video track MP4 can carry"
                    + (format.get("format_name") instanceof String n ? " (format " + n + ")" : ""));
        }
        double duration = number(format.get("duration"));
        if (duration <= 0) {
            duration = src.durationSeconds();
        }
        long estimate = bitsPerSecond > 0 && duration > 0 ? (long) (bitsPerSecond * duration / 8) : src.sizeBytes();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("title", title(src, format));
        out.put("duration", duration > 0 ? duration : null);
        out.put("container", format.get("format_name"));
        out.put("tracks", tracks);
        out.put("estimatedBytes", estimate > 0 ? (double) estimate : null);
        out.put("thumbnail", src.thumbnail() == null ? null : src.thumbnail().toString());
        return out;
    }

    private static String title(Sources.Prepared src, Map<String, Object> format) {
        if (!src.title().isBlank()) {
            return src.title();
        }
        if (format.get("tags") instanceof Map<?, ?> tags && tags.get("title") instanceof String t && !t.isBlank()) {
            return t;
        }
        return fromUrl(src.video());
    }

    /** The last path segment without its extension, or the host. */
    static String fromUrl(URI u) {
        String p = u.getPath() == null ? "" : u.getPath();
        int slash = p.lastIndexOf('/');
        String last = p.substring(slash + 1);
        int dot = last.lastIndexOf('.');
        String name = dot > 0 ? last.substring(0, dot) : last;
        return name.isBlank() ? String.valueOf(u.getHost()) : name;
    }

    @SuppressWarnings("unchecked")
    private static List<Object> tracks(Map<String, Object> probe, String only) {
        List<Object> out = new ArrayList<>();
        if (!(probe.get("streams") instanceof List<?> streams)) {
            return out;
        }
        for (Object o : streams) {
            if (!(o instanceof Map<?, ?> raw)) {
                continue;
            }
            Map<String, Object> s = (Map<String, Object>) raw;
            String kind = String.valueOf(s.get("codec_type"));
            if (!kind.equals("video") && !kind.equals("audio") || (only != null && !kind.equals(only))) {
                continue;
            }
            if (s.get("disposition") instanceof Map<?, ?> d && number(d.get("attached_pic")) > 0) {
                continue;
            }
            Map<String, Object> t = new LinkedHashMap<>();
            t.put("kind", kind);
            t.put("codec", s.get("codec_name"));
            if (kind.equals("video")) {
                t.put("width", s.get("width"));
                t.put("height", s.get("height"));
                t.put("fps", rate(String.valueOf(s.get("avg_frame_rate"))));
            } else {
                t.put("sampleRate", number(s.get("sample_rate")) > 0 ? number(s.get("sample_rate")) : null);
                t.put("channels", s.get("channels"));
            }
            t.put("bitrate", number(s.get("bit_rate")) > 0 ? number(s.get("bit_rate")) : null);
            t.put("language", s.get("tags") instanceof Map<?, ?> tags ? tags.get("language") : null);
            out.add(t);
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> object(String json) {
        Object o;
        try {
            o = Json.parse(json);
        } catch (IllegalArgumentException e) {
            throw new Refusal(502, "ffprobe's output is not JSON: " + e.getMessage());
        }
        return o instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }

    /** ffprobe writes most numbers as strings ("44100", "1.500000"). */
    static double number(Object o) {
        if (o instanceof Double d) {
            return d;
        }
        if (o instanceof String s) {
            try {
                return Double.parseDouble(s);
            } catch (NumberFormatException e) {
                return 0;
            }
        }
        return 0;
    }

    /** {@code "25/1"} → 25.0; null when unknown. */
    static Double rate(String r) {
        int slash = r.indexOf('/');
        if (slash <= 0) {
            return null;
        }
        double n = number(r.substring(0, slash));
        double d = number(r.substring(slash + 1));
        return d > 0 && n > 0 ? Math.round(n / d * 1000) / 1000.0 : null;
    }
}
