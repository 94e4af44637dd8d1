package io.osprey.plugin.transcode;

import io.osprey.spi.ConfigException;
import io.osprey.spi.PluginConfig;
import io.osprey.spi.bus.StreamKey;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code plugins.transcode}: the ladders per app, when they run, how many at once, and the encoder.
 *
 * <pre>{@code
 * plugins:
 *   transcode:
 *     ladders:
 *       live:
 *         - { name: 480p, height: 480, videoKbps: 1200, audioKbps: 96 }
 *         - { name: 360p, height: 360, videoKbps: 700, audioKbps: 64, fps: 15 }
 * }</pre>
 */
public final class TranscodeConfig implements PluginConfig {

    /** Start a stream's ladder when a viewer asks for a rendition (or its master playlist); false: at every publish. */
    public boolean onDemand = true;
    /** Ladders (ffmpeg children) running at once; a further one is refused and logged, its source still served. */
    public int maxLadders = 2;
    /** H.264 encoder: {@code auto} (libx264 when the natives have it, else libopenh264), or a name. */
    public String encoder = "auto";
    /** libx264 preset (ignored by openh264). */
    public String preset = "veryfast";
    /** An on-demand ladder nobody watched for this long is stopped, ms. */
    public long idleStopMs = 10_000;
    /** First restart delay after a worker crash, ms; doubled per crash in a row up to {@link #maxRestartDelayMs}. */
    public long restartDelayMs = 500;
    /** Longest restart delay, ms. */
    public long maxRestartDelayMs = 30_000;
    /** A worker that produced nothing for this long is killed and restarted, ms. */
    public long stallTimeoutMs = 15_000;
    /** Bytes of source FLV queued for a worker; past it frames are dropped up to the next key frame. */
    public int inputQueueBytes = 8 << 20;
    /** The renditions per app. */
    public Map<String, List<Rendition>> ladders = new LinkedHashMap<>();

    /** One rung: {@code {app}/{stream}_{name}}. */
    public static final class Rendition {
        /** Appended to the source's stream name after an underscore. */
        public String name;
        /** Output height in pixels (the width follows the source's aspect ratio, rounded to even). */
        public int height;
        /** Video bit rate, kbit/s. */
        public int videoKbps;
        /** Audio bit rate, kbit/s, when the source's audio is re-encoded (AAC audio is copied). */
        public int audioKbps = 96;
        /** Output frame rate; 0 keeps the source's. */
        public double fps = 0;
    }

    /** The ladder of {@code app}, empty if it has none. */
    List<Rendition> ladder(String app) {
        List<Rendition> l = ladders.get(app);
        return l == null ? List.of() : l;
    }

    @Override
    public void validate() {
        ConfigException.check(maxLadders >= 0, "maxLadders", "must not be negative");
        ConfigException.check(encoder != null && encoder.matches("auto|libx264|libopenh264"), "encoder",
                "must be auto, libx264 or libopenh264");
        ConfigException.check(preset != null && preset.matches("[a-z]{1,16}"), "preset", "must be an x264 preset name");
        ConfigException.check(idleStopMs >= 1000, "idleStopMs", "must be at least 1000");
        ConfigException.check(restartDelayMs >= 10, "restartDelayMs", "must be at least 10");
        ConfigException.check(maxRestartDelayMs >= restartDelayMs, "maxRestartDelayMs", "must be >= restartDelayMs");
        ConfigException.check(stallTimeoutMs >= 1000, "stallTimeoutMs", "must be at least 1000");
        ConfigException.check(inputQueueBytes >= 64 * 1024, "inputQueueBytes", "must be at least 65536");
        ConfigException.check(ladders != null, "ladders", "must be a map of app to a list of renditions");
        for (Map.Entry<String, List<Rendition>> e : ladders.entrySet()) {
            String key = "ladders." + e.getKey();
            ConfigException.check(StreamKey.isValidPart(e.getKey()), key, "is not a valid app name");
            ConfigException.check(e.getValue() != null && !e.getValue().isEmpty(), key, "must list renditions");
            ConfigException.check(e.getValue().size() <= 8, key, "may list at most 8 renditions");
            Set<String> names = new HashSet<>();
            for (int i = 0; i < e.getValue().size(); i++) {
                Rendition r = e.getValue().get(i);
                String rk = key + "[" + i + "]";
                ConfigException.check(r != null, rk, "must be a rendition");
                ConfigException.check(r.name != null && r.name.matches("[A-Za-z0-9][A-Za-z0-9-]{0,15}"), rk + ".name",
                        "must be 1-16 letters, digits or '-'");
                ConfigException.check(names.add(r.name), rk + ".name", "repeats '" + r.name + "'");
                ConfigException.check(r.height >= 16 && r.height <= 4320 && r.height % 2 == 0, rk + ".height",
                        "must be an even number of pixels, 16..4320");
                ConfigException.check(r.videoKbps >= 16 && r.videoKbps <= 100_000, rk + ".videoKbps",
                        "must be 16..100000");
                ConfigException.check(r.audioKbps >= 8 && r.audioKbps <= 512, rk + ".audioKbps", "must be 8..512");
                ConfigException.check(r.fps >= 0 && r.fps <= 240, rk + ".fps", "must be 0 (the source's) ..240");
            }
        }
    }

    /** A copy of the ladders as read, for /api/transcode. */
    Map<String, List<String>> names() {
        Map<String, List<String>> out = new LinkedHashMap<>();
        ladders.forEach((app, l) -> {
            List<String> n = new ArrayList<>();
            l.forEach(r -> n.add(r.name));
            out.put(app, n);
        });
        return out;
    }
}
