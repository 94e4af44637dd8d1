package io.osprey.plugin.hls;

import io.osprey.spi.ConfigException;
import io.osprey.spi.PluginConfig;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code plugins.hls}: how segments are cut and served. The per-stream settings ({@code format}, {@code lowLatency},
 * {@code segmentMs}, {@code partMs}, {@code window}) can be overridden per app under {@code apps}, e.g.
 * {@code apps: { live: { format: fmp4 } }}.
 */
public final class HlsConfig implements PluginConfig {

    /** Segment container: {@code ts} (MPEG-TS) or {@code fmp4} (CMAF fragmented MP4). */
    public String format = "ts";
    /** LL-HLS parts and blocking reload: {@code on}, {@code off}, or {@code auto} (on for fmp4, off for ts). */
    public String lowLatency = "auto";
    /** Target segment duration, ms; segments are cut on the first video key frame at or after it. */
    public int segmentMs = 2000;
    /** LL-HLS part target duration, ms. */
    public int partMs = 333;
    /** Complete segments listed in the playlist (the sliding window). */
    public int window = 6;
    /** Per-app overrides of the settings above. */
    public Map<String, AppConfig> apps = new LinkedHashMap<>();
    /** A segment still without a key frame after this long is closed and frames dropped to the next key frame. */
    public int maxSegmentMs = 30_000;
    /** The same bound in bytes: memory per stream stays bounded whatever the publisher sends. */
    public int maxSegmentBytes = 64 << 20;
    /** {@code Access-Control-Allow-Origin} on every response; empty for none. */
    public String corsOrigin = "*";
    /** How long an access decision for one client address + token + stream is reused for segment requests. */
    public int accessCacheMs = 10_000;
    /** Also write segments and playlists to disk for an external web server. */
    public boolean mirror = false;
    /** Where the mirror goes: {@code <mirrorDir>/<app>/<stream>/}, relative to {@code server.dataDir}. */
    public String mirrorDir = "hls";
    /** Keep served segments in direct (off-heap) buffers, written to sockets without a copy. */
    public boolean directBuffers = true;
    /**
     * How long a playlist request for a stream that is not live but can be started on demand (a pulled camera, an
     * edge relay, a rendition) waits for its first segment, ms, instead of answering 404.
     */
    public int startTimeoutMs = 15_000;

    /** One app's overrides; a missing key keeps the plugin-wide value. */
    public static final class AppConfig {
        public String format;
        public String lowLatency;
        public Integer segmentMs;
        public Integer partMs;
        public Integer window;
    }

    @Override
    public void validate() {
        // YAML 1.1 reads a bare on/off as a boolean, which arrives here as "true"/"false"
        lowLatency = onOff(lowLatency);
        if (apps != null) {
            apps.values().stream().filter(a -> a != null).forEach(a -> a.lowLatency = onOff(a.lowLatency));
        }
        checkStream("", format, lowLatency, segmentMs, partMs, window);
        ConfigException.check(apps != null, "apps", "must be a map of app name to settings");
        for (Map.Entry<String, AppConfig> e : apps.entrySet()) {
            ConfigException.check(e.getValue() != null, "apps." + e.getKey(), "must be a map of settings");
            StreamSettings s = settings(e.getKey());
            checkStream("apps." + e.getKey() + ".", s.format().name().toLowerCase(), e.getValue().lowLatency == null
                    ? lowLatency : e.getValue().lowLatency, s.segmentMs(), s.partMs(), s.window());
        }
        ConfigException.check(maxSegmentMs >= segmentMs, "maxSegmentMs", "must be at least segmentMs");
        ConfigException.check(maxSegmentBytes >= 1 << 20, "maxSegmentBytes", "must be at least 1048576");
        ConfigException.check(corsOrigin != null, "corsOrigin", "must be a string");
        ConfigException.check(startTimeoutMs >= 0 && startTimeoutMs <= 60_000, "startTimeoutMs", "must be 0..60000");
        ConfigException.check(accessCacheMs >= 0, "accessCacheMs", "must not be negative");
        ConfigException.check(mirrorDir != null && !mirrorDir.isBlank(), "mirrorDir", "must be a folder name");
    }

    private static String onOff(String v) {
        return "true".equals(v) ? "on" : "false".equals(v) ? "off" : v;
    }

    private static void checkStream(String prefix, String format, String lowLatency, int segmentMs, int partMs,
                                    int window) {
        ConfigException.check("ts".equals(format) || "fmp4".equals(format), prefix + "format",
                "must be ts or fmp4, was " + format);
        ConfigException.check("auto".equals(lowLatency) || "on".equals(lowLatency) || "off".equals(lowLatency),
                prefix + "lowLatency", "must be auto, on or off, was " + lowLatency);
        ConfigException.check(segmentMs >= 1000 && segmentMs <= 30_000, prefix + "segmentMs",
                "must be 1000..30000, was " + segmentMs);
        ConfigException.check(partMs >= 100 && partMs <= 2000 && partMs * 2 <= segmentMs, prefix + "partMs",
                "must be 100..2000 and at most half of segmentMs, was " + partMs);
        ConfigException.check(window >= 2 && window <= 100, prefix + "window", "must be 2..100, was " + window);
    }

    /** The settings for streams of {@code app}. */
    StreamSettings settings(String app) {
        AppConfig a = apps == null ? null : apps.get(app);
        String f = a != null && a.format != null ? a.format : format;
        String ll = a != null && a.lowLatency != null ? a.lowLatency : lowLatency;
        HlsFormat hf = "fmp4".equals(f) ? HlsFormat.FMP4 : HlsFormat.TS;
        boolean low = "on".equals(ll) || ("auto".equals(ll) && hf == HlsFormat.FMP4);
        return new StreamSettings(hf, low, a != null && a.segmentMs != null ? a.segmentMs : segmentMs,
                a != null && a.partMs != null ? a.partMs : partMs, a != null && a.window != null ? a.window : window,
                maxSegmentMs, maxSegmentBytes);
    }
}
