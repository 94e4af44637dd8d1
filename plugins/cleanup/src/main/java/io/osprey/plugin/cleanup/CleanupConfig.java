package io.osprey.plugin.cleanup;

import io.osprey.spi.ConfigException;
import io.osprey.spi.PluginConfig;
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

    /** Finished recordings whose last write is older than this are removed; 0 = never by age. */
    public long maxAgeMinutes = 0;
    /** Recordings together (under every registered root) are kept under this many MiB, oldest go first; 0 = off. */
    public long quotaMB = 0;
    /** Free space kept on each recording filesystem, MiB; 0 = off. */
    public long minFreeMB = 0;
    /** Free space kept on each recording filesystem, percent of its size; 0 = off. */
    public double minFreePercent = 0;
    /** Files under a recorder's root that no session claims are removed after this; 0 = never. */
    public long orphanAgeMinutes = 0;
    /** A full run (scan and policies) every this many seconds; 0 = only at start, on demand and under the floor. */
    public long intervalSeconds = 600;
    /** How often free space is checked against the floor, seconds. */
    public long floorCheckSeconds = 5;
    /** Report what would be removed without removing anything. */
    public boolean dryRun = false;
    /** Of a session that has a merged file (the MP4), remove the rest and keep that file (except under the floor). */
    public boolean keepMerged = false;
    /** Per-app overrides of {@code maxAgeMinutes} and {@code keepMerged}. */
    public Map<String, AppPolicy> apps = new LinkedHashMap<>();

    /** {@code plugins.cleanup.apps.<app>}: null keeps the plugin-wide value. */
    public static final class AppPolicy {
        public Long maxAgeMinutes;
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
        ConfigException.check(maxAgeMinutes >= 0, "maxAgeMinutes", "must be 0 (off) or more, was " + maxAgeMinutes);
        ConfigException.check(quotaMB >= 0 && quotaMB < (1L << 43), "quotaMB", "must be 0 (off) or a size in MiB");
        ConfigException.check(minFreeMB >= 0 && minFreeMB < (1L << 43), "minFreeMB",
                "must be 0 (off) or a size in MiB");
        ConfigException.check(minFreePercent >= 0 && minFreePercent < 100, "minFreePercent",
                "must be 0 (off) up to 99.9, was " + minFreePercent);
        ConfigException.check(orphanAgeMinutes >= 0, "orphanAgeMinutes", "must be 0 (off) or more");
        ConfigException.check(intervalSeconds >= 0, "intervalSeconds", "must be 0 (off) or more");
        ConfigException.check(floorCheckSeconds >= 1 && floorCheckSeconds <= 3600, "floorCheckSeconds",
                "must be 1..3600");
        ConfigException.check(apps != null, "apps", "must be a map of app name to overrides");
        for (Map.Entry<String, AppPolicy> e : apps.entrySet()) {
            ConfigException.check(StreamKey.isValidPart(e.getKey()), "apps." + e.getKey(), "is not an app name");
            ConfigException.check(e.getValue() != null, "apps." + e.getKey(), "must be a map of overrides");
            Long age = e.getValue().maxAgeMinutes;
            ConfigException.check(age == null || age >= 0, "apps." + e.getKey() + ".maxAgeMinutes",
                    "must be 0 (off) or more");
        }
    }
}
