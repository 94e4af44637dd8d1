package io.osprey.kernel.plugin;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.osprey.kernel.config.Config;
import io.osprey.kernel.config.ConfigLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The keys a config change names in its log line and errors: dotted paths down to the changed leaves. */
class ConfigChangeTest {
    @TempDir
    Path dir;

    private Config load(String yaml) throws Exception {
        Path f = dir.resolve("osprey.yaml");
        Files.writeString(f, yaml);
        return new ConfigLoader(f, List.of(), Map.of()).load();
    }

    @Test
    void nestedChangesAreNamedByTheirFullPath() throws Exception {
        Config old = load("plugins:\n  hls:\n    segmentMs: 2000\n    apps:\n      live: { window: 4 }\n"
                + "      keep: { window: 5 }\n");
        Config next = load("plugins:\n  hls:\n    segmentMs: 2000\n    partMs: 400\n    apps:\n"
                + "      live: { window: 6, format: fmp4 }\n      keep: { window: 5 }\n");
        assertEquals("plugins.hls.apps.live.format, plugins.hls.apps.live.window, plugins.hls.partMs",
                new ConfigChange(old, next).changedKeys("hls"));
    }

    @Test
    void aRemovedKeyAndAWholeValueReplacedAreNamedToo() throws Exception {
        Config old = load("plugins:\n  httpflv:\n    record: { enabled: true, apps: [live] }\n");
        Config next = load("plugins:\n  httpflv:\n    record: 5\n");
        assertEquals("plugins.httpflv.record", new ConfigChange(old, next).changedKeys("httpflv"));
        Config none = load("plugins:\n  httpflv:\n    record: { apps: [live] }\n");
        assertEquals("plugins.httpflv.record.enabled", new ConfigChange(old, none).changedKeys("httpflv"));
    }
}
