package io.osprey.plugin.transcode;

import io.osprey.spi.ConfigException;
import io.osprey.spi.PluginConfig;
import io.osprey.spi.Setting;
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

    @Setting("Start a stream's ladder when a viewer asks for a rendition (or its master playlist); false: at every "
            + "publish.")
    public boolean onDemand = true;
    @Setting(value = "Ladders (ffmpeg children) running at once; a further one is refused and logged, its source "
            + "still served.", min = 0)
    public int maxLadders = 2;
    @Setting(value = "H.264 encoder: auto (libx264 when the natives have it, else libopenh264), or a name.",
            allowed = {"auto", "libx264", "libopenh264"})
    public String encoder = "auto";
    @Setting("libx264 preset, e.g. veryfast (ignored by openh264).")
    public String preset = "veryfast";
    @Setting(value = "An on-demand ladder nobody watched for this long is stopped, ms.", min = 1000)
    public long idleStopMs = 10_000;
    @Setting(value = "First restart delay after a worker crash, ms; doubled per crash in a row up to "
            + "maxRestartDelayMs.", min = 10)
    public long restartDelayMs = 500;
    @Setting("Longest restart delay, ms (at least restartDelayMs).")
    public long maxRestartDelayMs = 30_000;
    @Setting(value = "A worker that produced nothing for this long is killed and restarted, ms.", min = 1000)
    public long stallTimeoutMs = 15_000;
    @Setting(value = "Bytes of source FLV queued for a worker; past it frames are dropped up to the next key frame.",
            min = 64 * 1024)
    public int inputQueueBytes = 8 << 20;
    @Setting("The renditions per app: a list of { name, height, videoKbps, audioKbps, fps }, at most 8.")
    public Map<String, List<Rendition>> ladders = new LinkedHashMap<>();

    /**
     * One rung: {@code {app}/{stream}_{name}}. The kernel does not check the elements of a list, so the rules of
     * these keys are in {@link #validate()}; their {@code @Setting} documents them.
     */
    public static final class Rendition {
        @Setting("Appended to the source's stream name after an underscore: 1-16 letters, digits or '-'.")
        public String name;
        @Setting("Output height in pixels, even, 16..4320 (the width follows the source's aspect ratio).")
        public int height;
        @Setting("Video bit rate, kbit/s, 16..100000.")
        public int videoKbps;
        @Setting("Audio bit rate, kbit/s, 8..512, when the source's audio is re-encoded (AAC audio is copied).")
        public int audioKbps = 96;
        @Setting("Output frame rate, up to 240; 0 keeps the source's.")
        public double fps = 0;
    }

    /** The ladder of {@code app}, empty if it has none. */
    List<Rendition> ladder(String app) {
        List<Rendition> l = ladders.get(app);
        return l == null ? List.of() : l;
    }

    @Override
    public void validate() {
        // the ranges and allowed values of single keys are their @Setting, checked by the kernel before this (which
        // skips a null value); here: null, patterns, rules across keys and the renditions of each ladder
        ConfigException.check(encoder != null, "encoder", "must be auto, libx264 or libopenh264");
        ConfigException.check(preset != null && preset.matches("[a-z]{1,16}"), "preset", "must be an x264 preset name");
        ConfigException.check(maxRestartDelayMs >= restartDelayMs, "maxRestartDelayMs", "must be >= restartDelayMs");
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
