package io.osprey.plugin.hls;

import io.osprey.spi.ConfigException;
import io.osprey.spi.PluginConfig;
import io.osprey.spi.Setting;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code plugins.hls}: how segments are cut and served. The per-stream settings ({@code format}, {@code lowLatency},
 * {@code segmentMs}, {@code partMs}, {@code window}) can be overridden per app under {@code apps}, e.g.
 * {@code apps: { live: { format: fmp4 } }}.
 */
public final class HlsConfig implements PluginConfig {

    @Setting(value = "Segment container: ts (MPEG-TS) or fmp4 (CMAF fragmented MP4).", allowed = {"ts", "fmp4"})
    public String format = "ts";
    @Setting(value = "LL-HLS parts and blocking reload: on, off, or auto (on for fmp4, off for ts).",
            allowed = {"auto", "on", "off"})
    public String lowLatency = "auto";
    @Setting(value = "Target segment duration, ms; segments are cut on the first video key frame at or after it.",
            min = 1000, max = 30_000)
    public int segmentMs = 2000;
    @Setting(value = "LL-HLS part target duration, ms (at most half of segmentMs).", min = 100, max = 2000)
    public int partMs = 200;
    @Setting(value = "Complete segments listed in the playlist (the sliding window).", min = 2, max = 100)
    public int window = 6;
    @Setting("Per-app overrides of format, lowLatency, segmentMs, partMs and window, e.g. live: { format: fmp4 }.")
    public Map<String, AppConfig> apps = new LinkedHashMap<>();
    @Setting("A segment still without a key frame after this long, ms, is closed (frames dropped to the next key "
            + "frame); at least segmentMs.")
    public int maxSegmentMs = 30_000;
    @Setting(value = "The same bound in bytes: memory per stream stays bounded whatever the publisher sends.",
            min = 1 << 20)
    public int maxSegmentBytes = 64 << 20;
    @Setting("Access-Control-Allow-Origin on every response; empty for none.")
    public String corsOrigin = "*";
    @Setting(value = "How long an access decision (client address + token + stream) is reused for segments, ms.",
            min = 0)
    public int accessCacheMs = 10_000;
    @Setting("Also write segments and playlists to disk for an external web server.")
    public boolean mirror = false;
    @Setting("Where the mirror goes: <mirrorDir>/<app>/<stream>/, relative to server.dataDir.")
    public String mirrorDir = "hls";
    @Setting("Keep served segments in direct (off-heap) buffers, written to sockets without a copy.")
    public boolean directBuffers = true;
    @Setting("A tmpfs folder where finished segments are kept as (unlinked) files and sent with sendfile; empty: in"
            + " memory, copied to each client.")
    public String zeroCopyDir = "/dev/shm";
    /**
     * How long a playlist request for a stream that is not live but can be started on demand (a pulled camera, an
     * edge relay, a rendition) waits for its first segment, ms, instead of answering 404.
     */
    @Setting(value = "How long a playlist request waits for a stream that can be started on demand, ms.", min = 0,
            max = 60_000)
    public int startTimeoutMs = 15_000;

    /** One app's overrides; a missing key keeps the plugin-wide value. */
    public static final class AppConfig {
        @Setting(value = "Segment container for this app.", allowed = {"ts", "fmp4"})
        public String format;
        @Setting(value = "LL-HLS for this app.", allowed = {"auto", "on", "off"})
        public String lowLatency;
        @Setting(value = "Target segment duration for this app, ms.", min = 1000, max = 30_000)
        public Integer segmentMs;
        @Setting(value = "LL-HLS part target duration for this app, ms.", min = 100, max = 2000)
        public Integer partMs;
        @Setting(value = "Playlist window for this app, segments.", min = 2, max = 100)
        public Integer window;
    }

    @Override
    public void validate() {
        // the ranges and allowed values of each key are its @Setting, checked before this; here: rules across keys
        ConfigException.check(apps != null, "apps", "must be a map of app name to settings");
        ConfigException.check(partMs * 2 <= segmentMs, "partMs", "must be at most half of segmentMs, was " + partMs);
        for (Map.Entry<String, AppConfig> e : apps.entrySet()) {
            ConfigException.check(e.getValue() != null, "apps." + e.getKey(), "must be a map of settings");
            StreamSettings s = settings(e.getKey());
            ConfigException.check(s.partMs() * 2 <= s.segmentMs(), "apps." + e.getKey() + ".partMs",
                    "must be at most half of segmentMs, was " + s.partMs());
        }
        ConfigException.check(maxSegmentMs >= segmentMs, "maxSegmentMs", "must be at least segmentMs");
        ConfigException.check(corsOrigin != null, "corsOrigin", "must be a string");
        ConfigException.check(mirrorDir != null && !mirrorDir.isBlank(), "mirrorDir", "must be a folder name");
        ConfigException.check(zeroCopyDir != null && (zeroCopyDir.isEmpty() || absolute(zeroCopyDir)), "zeroCopyDir",
                "must be an absolute folder (a tmpfs such as /dev/shm), or empty to keep segments in memory");
    }

    /** Whether {@code path} is an absolute path here (false for one the platform cannot parse). */
    private static boolean absolute(String path) {
        try {
            return java.nio.file.Path.of(path).isAbsolute();
        } catch (java.nio.file.InvalidPathException e) {
            return false;
        }
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
