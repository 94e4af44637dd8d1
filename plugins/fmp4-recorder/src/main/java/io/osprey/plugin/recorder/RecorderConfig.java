package io.osprey.plugin.recorder;

import io.osprey.spi.ConfigException;
import io.osprey.spi.PluginConfig;
import io.osprey.spi.bus.StreamKey;
import java.util.List;

/** {@code plugins.fmp4-recorder}: what to record, how to cut it, what to keep and what to serve. */
public final class RecorderConfig implements PluginConfig {

    /** Apps whose streams are recorded; {@code "*"} records every app. */
    public List<String> apps = List.of("*");
    /**
     * {@code merged} (A/V in one set of segments), {@code separate} (audio and video sets) or {@code both}. The
     * default stores each stream once: merged segments while it records, then (with {@link #keepSegments} off)
     * the merged MP4 alone.
     */
    public String mode = "merged";
    /** Target segment length, ms; segments are cut on the first video key frame past it. */
    public long segmentMs = 2000;
    /** Fragments are written at least this often (stream time and wall clock), ms: the most a crash loses. */
    public long fragmentMs = 1000;
    /** A segment is cut here even without a key frame (a publisher that sends none), ms. */
    public long maxSegmentMs = 10_000;
    /** A fragment is also written once its samples reach this many bytes. */
    public long maxFragmentBytes = 8L << 20;
    /** Merge the segments into {@code stream_full.mp4} when the stream ends (and at start for cut sessions). */
    public boolean merge = true;
    /** Keep the fMP4 segments after a successful merge (off: the MP4 alone remains, one copy of the media). */
    public boolean keepSegments = false;
    /** {@code fsync} each fragment (survives power loss, costs one sync per fragment); else at segment close. */
    public boolean fsyncFragments = false;
    /** Threads writing recordings (file I/O never runs on bus or HTTP threads). */
    public int writerThreads = 2;
    /** How long plugin stop waits for running merges before leaving them to the next start, ms. */
    public long stopMergeTimeoutMs = 10_000;
    /**
     * After a write error (full disk, no file descriptors, I/O error), ms: when the recording tries a new session,
     * and when a session that could not be finished is tried again (each doubling while it keeps failing).
     */
    public long retryMs = 5000;
    /** Serve {@code /mp4/...} from the data folder (the FLV recordings are httpflv's to serve). */
    public boolean serve = true;
    /** {@code Access-Control-Allow-Origin} on recordings for players on other origins; empty for none. */
    public String corsOrigin = "*";
    /** Most ranges one request may ask for (more is answered 416). */
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
        ConfigException.check(apps != null, "apps", "must be a list of app names or \"*\"");
        for (int i = 0; i < apps.size(); i++) {
            String a = apps.get(i);
            ConfigException.check(a != null && (a.equals("*") || StreamKey.isValidPart(a)), "apps[" + i + "]",
                    "must be \"*\" or an app name");
        }
        ConfigException.check(mode != null && List.of("merged", "separate", "both").contains(mode), "mode",
                "must be merged, separate or both, was " + mode);
        ConfigException.check(segmentMs >= 500 && segmentMs <= 60_000, "segmentMs", "must be 500..60000");
        ConfigException.check(fragmentMs >= 100 && fragmentMs <= segmentMs, "fragmentMs",
                "must be 100..segmentMs");
        ConfigException.check(maxSegmentMs >= segmentMs && maxSegmentMs <= 600_000, "maxSegmentMs",
                "must be segmentMs..600000");
        ConfigException.check(maxFragmentBytes >= 65_536 && maxFragmentBytes <= 256L << 20, "maxFragmentBytes",
                "must be 65536..268435456");
        ConfigException.check(writerThreads >= 1 && writerThreads <= 64, "writerThreads", "must be 1..64");
        ConfigException.check(retryMs >= 100 && retryMs <= 600_000, "retryMs", "must be 100..600000");
        ConfigException.check(stopMergeTimeoutMs >= 0, "stopMergeTimeoutMs", "must not be negative");
        ConfigException.check(corsOrigin != null, "corsOrigin", "must be a string");
        ConfigException.check(maxRanges >= 1 && maxRanges <= 1000, "maxRanges", "must be 1..1000");
    }
}
