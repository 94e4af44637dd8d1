package io.osprey.plugin.sources;

import io.osprey.spi.Setting;
import io.osprey.spi.bus.StreamKey;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * One source: where to read it and how. Bound from {@code plugins.sources.streams.<app/name>} and from the JSON body
 * of {@code POST /api/sources}. Treated as immutable once validated.
 */
public final class SourceSpec {

    /** URL schemes handed to ffmpeg; anything else (concat:, subfile:, pipe:, lavfi...) is refused. */
    static final Set<String> SCHEMES = Set.of("rtsp", "rtsps", "rtmp", "rtmps", "srt", "http", "https", "udp", "file");

    @Setting("rtsp://, rtmp://, srt://, http(s):// (HLS, MPEG-TS, FLV), udp://, file:///path or an absolute path.")
    public String url;
    @Setting("Start when the first viewer arrives and stop when the last has gone; otherwise run from plugin start.")
    public boolean onDemand = false;
    /**
     * {@code auto} (AAC copied, anything else — MP3, PCM, G.711, MP2, Opus... — converted to AAC), {@code aac} or
     * {@code copy}.
     */
    @Setting(value = "auto (AAC copied, anything else converted to AAC), aac (always converted) or copy.",
            allowed = {"auto", "aac", "copy"})
    public String audio = "auto";
    @Setting("Repeat a local file for ever (-stream_loop -1).")
    public boolean loop = false;
    @Setting("Read at the media's own pace (-re); unset: on for local files, off for network sources.")
    public Boolean realtime;
    @Setting("No frame for this long restarts the source, ms (0, or at least 1000); 0 for the plugin's stallMs.")
    public long stallMs = 0;
    @Setting(value = "tcp (default) or udp, for rtsp:// sources.", allowed = {"tcp", "udp"})
    public String rtspTransport = "tcp";

    /** The reason this spec cannot be used for {@code key}, or {@code null}. */
    String problem(String key) {
        try {
            StreamKey.parse(key);
        } catch (IllegalArgumentException e) {
            return "not a stream key (app/name): " + e.getMessage();
        }
        if (url == null || url.isBlank()) {
            return "url is missing";
        }
        for (int i = 0; i < url.length(); i++) {
            if (url.charAt(i) < 0x20 || url.charAt(i) == 0x7f) {
                return "url contains a control character";
            }
        }
        if (!isFile()) {
            String scheme = scheme();
            if (scheme == null || !SCHEMES.contains(scheme)) {
                return "url must be rtsp(s)://, rtmp(s)://, srt://, http(s)://, udp://, file:/// or an absolute path";
            }
            try {
                URI u = new URI(url);
                if (u.getHost() == null || u.getHost().isEmpty()) {
                    return "url has no host";
                }
            } catch (Exception e) {
                return "url is not a valid URI: " + e.getMessage();
            }
        }
        if (audio == null || !Set.of("auto", "aac", "copy").contains(audio)) {
            return "audio must be auto, aac or copy";
        }
        if (rtspTransport == null || !Set.of("tcp", "udp").contains(rtspTransport)) {
            return "rtspTransport must be tcp or udp";
        }
        if (stallMs != 0 && stallMs < 1000) {
            return "stallMs must be 0 (the plugin's) or at least 1000";
        }
        if (loop && !isFile()) {
            return "loop applies to local files only";
        }
        return null;
    }

    /** The URL's scheme in lower case, or {@code null}. */
    String scheme() {
        int colon = url.indexOf("://");
        return colon <= 0 ? null : url.substring(0, colon).toLowerCase(Locale.ROOT);
    }

    /** A local file: an absolute path or {@code file://}. */
    boolean isFile() {
        return url.startsWith("/") || "file".equals(scheme());
    }

    /** The path of a local file source. */
    String path() {
        return url.startsWith("/") ? url : URI.create(url).getPath();
    }

    boolean realtimeOn() {
        return realtime != null ? realtime : isFile();
    }

    /** The URL with any password replaced, for logs and the API. */
    String redactedUrl() {
        return Redact.url(url);
    }

    /** Whether {@code other} reads the same thing the same way (a config edit that leaves it alone). */
    boolean sameAs(SourceSpec other) {
        return other != null && json().equals(other.json());
    }

    /** The spec as JSON values (the password kept: this is what the data folder stores). */
    Map<String, Object> json() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("url", url);
        m.put("onDemand", onDemand);
        m.put("audio", audio);
        m.put("loop", loop);
        if (realtime != null) {
            m.put("realtime", realtime);
        }
        m.put("stallMs", stallMs);
        m.put("rtspTransport", rtspTransport);
        return m;
    }

    /** A spec from JSON values (the API body, the data folder); unknown fields are refused. */
    static SourceSpec fromJson(Map<?, ?> m) {
        SourceSpec s = new SourceSpec();
        for (Map.Entry<?, ?> e : m.entrySet()) {
            Object v = e.getValue();
            switch (String.valueOf(e.getKey())) {
                case "key" -> { }
                case "url" -> s.url = text(v, "url");
                case "onDemand" -> s.onDemand = bool(v, "onDemand");
                case "audio" -> s.audio = text(v, "audio");
                case "loop" -> s.loop = bool(v, "loop");
                case "realtime" -> s.realtime = v == null ? null : bool(v, "realtime");
                case "stallMs" -> {
                    if (!(v instanceof Number n)) {
                        throw new IllegalArgumentException("stallMs must be a number");
                    }
                    s.stallMs = n.longValue();
                }
                case "rtspTransport" -> s.rtspTransport = text(v, "rtspTransport");
                default -> throw new IllegalArgumentException("unknown field " + e.getKey());
            }
        }
        return s;
    }

    private static String text(Object v, String name) {
        if (!(v instanceof String s)) {
            throw new IllegalArgumentException(name + " must be a string");
        }
        return s;
    }

    private static boolean bool(Object v, String name) {
        if (!(v instanceof Boolean b)) {
            throw new IllegalArgumentException(name + " must be true or false");
        }
        return b;
    }
}
