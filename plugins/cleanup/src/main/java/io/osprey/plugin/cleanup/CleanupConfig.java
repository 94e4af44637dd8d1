package io.osprey.plugin.cleanup;

import io.osprey.spi.ConfigException;
import io.osprey.spi.PluginConfig;
import io.osprey.spi.Setting;
import io.osprey.spi.bus.StreamKey;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code plugins.cleanup}: every policy is off (0) unless configured. Example:
 * <pre>
 * cleanup:
 *   enabled: true
 *   minFreePercent: 10        # keep 10 % of the disk free, oldest finished recordings first
 *   maxAgeMinutes: 10080      # remove finished recordings after a week
 *   quotaMB: 50000            # keep all recordings together under 50 GB
 *   orphanAgeMinutes: 1440    # files no recorder claims (crash leftovers), after a day
 *   apps: { events: { maxAgeMinutes: 0, keepMerged: true } }
 * </pre>
 */
public final class CleanupConfig implements PluginConfig {

    @Setting(value = "Finished recordings whose last write is older than this are removed, minutes; 0 = never by "
            + "age.", min = 0)
    public long maxAgeMinutes = 0;
    @Setting(value = "Recordings together (under every registered root) are kept under this many MiB, oldest go "
            + "first; 0 = off.", min = 0, max = (1L << 43) - 1)
    public long quotaMB = 0;
    @Setting(value = "Free space kept on each recording filesystem, MiB; 0 = off.", min = 0, max = (1L << 43) - 1)
    public long minFreeMB = 0;
    @Setting(value = "Free space kept on each recording filesystem, percent of its size (below 100); 0 = off.",
            min = 0)
    public double minFreePercent = 0;
    @Setting(value = "Files under a recorder's root that no session claims are removed after this, minutes; "
            + "0 = never.", min = 0)
    public long orphanAgeMinutes = 0;
    @Setting(value = "A full run (scan and policies) every this many seconds; 0 = only at start, on demand and "
            + "under the floor.", min = 0)
    public long intervalSeconds = 600;
    @Setting(value = "How often free space is checked against the floor, seconds.", min = 1, max = 3600)
    public long floorCheckSeconds = 5;
    @Setting("Report what would be removed without removing anything.")
    public boolean dryRun = false;
    @Setting("Of a session that has a merged file (the MP4), remove the rest and keep that file (except under the "
            + "floor).")
    public boolean keepMerged = false;
    @Setting("Per-app overrides of maxAgeMinutes and keepMerged, e.g. events: { maxAgeMinutes: 0 }.")
    public Map<String, AppPolicy> apps = new LinkedHashMap<>();

    /** {@code plugins.cleanup.apps.<app>}: null keeps the plugin-wide value. */
    public static final class AppPolicy {
        @Setting(value = "Finished recordings of this app are removed after this, minutes; 0 = never by age.",
                min = 0)
        public Long maxAgeMinutes;
        @Setting("Keep only the merged file of this app's sessions.")
        public Boolean keepMerged;
    }

    long maxAgeMinutes(String app) {
        AppPolicy p = apps.get(app);
        return p != null && p.maxAgeMinutes != null ? p.maxAgeMinutes : maxAgeMinutes;
    }

    boolean keepMerged(String app) {
        AppPolicy p = apps.get(app);
        return p != null && p.keepMerged != null ? p.keepMerged : keepMerged;
    }

    boolean floorOn() {
        return minFreeMB > 0 || minFreePercent > 0;
    }

    /** The free bytes wanted on a filesystem of {@code total} bytes. */
    long floorBytes(long total) {
        return Math.max(minFreeMB << 20, (long) (total * minFreePercent / 100));
    }

    @Override
    public void validate() {
        // the ranges of single keys are their @Setting, checked by the kernel before this; a percent's upper bound
        // is not a whole number, so it stays here (with NaN, which no range rejects)
        ConfigException.check(minFreePercent < 100, "minFreePercent",
                "must be 0 (off) up to 99.9, was " + minFreePercent);
        ConfigException.check(apps != null, "apps", "must be a map of app name to overrides");
        for (Map.Entry<String, AppPolicy> e : apps.entrySet()) {
            ConfigException.check(StreamKey.isValidPart(e.getKey()), "apps." + e.getKey(), "is not an app name");
            ConfigException.check(e.getValue() != null, "apps." + e.getKey(), "must be a map of overrides");
        }
    }
}
