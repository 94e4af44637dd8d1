package io.osprey.plugin.recorder;

import io.osprey.spi.ConfigException;
import io.osprey.spi.PluginConfig;
import io.osprey.spi.Setting;
import io.osprey.spi.bus.StreamKey;
import java.util.List;

/** {@code plugins.fmp4-recorder}: what to record, how to cut it, what to keep and what to serve. */
public final class RecorderConfig implements PluginConfig {

    @Setting("Apps whose streams are recorded; \"*\" records every app.")
    public List<String> apps = List.of("*");
    /**
     * {@code merged} (A/V in one set of segments), {@code separate} (audio and video sets) or {@code both}. The
     * default stores each stream once: merged segments while it records, then (with {@link #keepSegments} off)
     * the merged MP4 alone.
     */
    @Setting(value = "merged (A/V in one set of segments), separate (audio and video sets) or both.",
            allowed = {"merged", "separate", "both"})
    public String mode = "merged";
    @Setting(value = "Target segment length, ms; segments are cut on the first video key frame past it.",
            min = 500, max = 60_000)
    public long segmentMs = 2000;
    @Setting(value = "Fragments are written at least this often (stream time and wall clock), ms: the most a crash "
            + "loses.", min = 100)
    public long fragmentMs = 1000;
    @Setting(value = "A segment is cut here even without a key frame (a publisher that sends none), ms.", max = 600_000)
    public long maxSegmentMs = 10_000;
    @Setting(value = "A fragment is also written once its samples reach this many bytes.",
            min = 65_536, max = 256L << 20)
    public long maxFragmentBytes = 8L << 20;
    @Setting("Merge the segments into stream_full.mp4 when the stream ends (and at start for cut sessions).")
    public boolean merge = true;
    @Setting("Keep the fMP4 segments after a successful merge (off: the MP4 alone remains, one copy of the media).")
    public boolean keepSegments = false;
    @Setting("fsync each fragment (survives power loss, costs one sync per fragment); else at segment close.")
    public boolean fsyncFragments = false;
    @Setting(value = "Threads writing recordings (file I/O never runs on bus or HTTP threads).", min = 1, max = 64)
    public int writerThreads = 2;
    @Setting(value = "How long plugin stop waits for running merges before leaving them to the next start, ms.",
            min = 0)
    public long stopMergeTimeoutMs = 10_000;
    /**
     * After a write error (full disk, no file descriptors, I/O error), ms: when the recording tries a new session,
     * and when a session that could not be finished is tried again (each doubling while it keeps failing).
     */
    @Setting(value = "Wait after a write error before a new session or another try at finishing one, ms.",
            min = 100, max = 600_000)
    public long retryMs = 5000;
    @Setting("Serve /mp4/... from the data folder (the FLV recordings are httpflv's to serve).")
    public boolean serve = true;
    @Setting("Access-Control-Allow-Origin on recordings for players on other origins; empty for none.")
    public String corsOrigin = "*";
    @Setting(value = "Most ranges one request may ask for (more is answered 416).", min = 1, max = 1000)
    public int maxRanges = 16;

    boolean records(String app) {
        return apps.contains("*") || apps.contains(app);
    }

    boolean mergedSet() {
        return !mode.equals("separate");
    }

    boolean separateSets() {
        return !mode.equals("merged");
    }

    @Override
    public void validate() {
        // each key's own range and allowed values are its @Setting, checked before this
        ConfigException.check(apps != null, "apps", "must be a list of app names or \"*\"");
        for (int i = 0; i < apps.size(); i++) {
            String a = apps.get(i);
            ConfigException.check(a != null && (a.equals("*") || StreamKey.isValidPart(a)), "apps[" + i + "]",
                    "must be \"*\" or an app name");
        }
        ConfigException.check(fragmentMs >= 100 && fragmentMs <= segmentMs, "fragmentMs",
                "must be 100..segmentMs");
        ConfigException.check(maxSegmentMs >= segmentMs && maxSegmentMs <= 600_000, "maxSegmentMs",
                "must be segmentMs..600000");
        ConfigException.check(corsOrigin != null, "corsOrigin", "must be a string");
    }
}
