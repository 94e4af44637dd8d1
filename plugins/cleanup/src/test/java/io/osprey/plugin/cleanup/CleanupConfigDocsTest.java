package io.osprey.plugin.cleanup;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.osprey.testkit.ConfigDocs;
import org.junit.jupiter.api.Test;

/** Every key of plugins.cleanup is documented in its schema, and single-key ranges are the kernel's rules. */
class CleanupConfigDocsTest {

    @Test
    void everyKeyHasADoc() {
        ConfigDocs.assertEveryKeyDocumented(CleanupConfig.class);
    }

    @Test
    void rangesAreCheckedByTheKernelWithItsWords() throws Exception {
        ConfigDocs.assertRefused("cleanup", CleanupConfig.class, "maxAgeMinutes: -1", "maxAgeMinutes",
                "must be at least 0, was -1");
        ConfigDocs.assertRefused("cleanup", CleanupConfig.class, "quotaMB: 8796093022208", "quotaMB",
                "must be 0..8796093022207, was 8796093022208");
        ConfigDocs.assertRefused("cleanup", CleanupConfig.class, "floorCheckSeconds: 0", "floorCheckSeconds",
                "must be 1..3600, was 0");
        ConfigDocs.assertRefused("cleanup", CleanupConfig.class, "minFreePercent: -0.5", "minFreePercent",
                "must be at least 0, was -0.5");
        ConfigDocs.assertRefused("cleanup", CleanupConfig.class, "minFreePercent: 100", "minFreePercent",
                "must be 0 (off) up to 99.9, was 100.0");
        // a per-app override is checked entry by entry
        ConfigDocs.assertRefused("cleanup", CleanupConfig.class, "apps:\n  live:\n    maxAgeMinutes: -1",
                "apps.live.maxAgeMinutes", "must be at least 0, was -1");
        CleanupConfig c = ConfigDocs.bind("cleanup", CleanupConfig.class,
                "floorCheckSeconds: 3600\nminFreePercent: 99.9\napps:\n  live:\n    maxAgeMinutes: 0");
        assertEquals(0L, c.maxAgeMinutes("live"));
        assertEquals(3600, c.floorCheckSeconds);
    }
}
