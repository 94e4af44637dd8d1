package io.osprey.plugin.sources;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.osprey.spi.bus.StreamKey;
import io.osprey.testkit.Await;
import io.osprey.testkit.TestMedia;
import io.osprey.testkit.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * An edit of the config file applies in place: the changed source restarts, the removed one stops, the added one
 * starts, and the untouched one keeps its worker and its viewer.
 */
class SourcesReconfigureTest {

    private static final Pattern PID = Pattern.compile("\"pid\": (-?\\d+)");

    private static String entry(String key, String url) {
        return "      " + key + ":\n        url: " + url + "\n        loop: true\n        audio: copy\n";
    }

    @Test
    void anEditRestartsOnlyTheChangedSourcesAndKeepsTheOthersViewers() throws Exception {
        Path clip = TestMedia.h264Aac(4, 300);
        Path home = Files.createTempDirectory("osprey-sources-reconfigure");
        Path cfg = home.resolve("osprey.yaml");
        String head = "plugins:\n  sources:\n    minBackoffMs: 200\n    streams:\n";
        Files.writeString(cfg, head + entry("re/a", clip.toString()) + entry("re/b", clip.toString())
                + entry("re/c", clip.toString()));
        try (TestServer server = TestServer.start(home, cfg, "server.configScanIntervalMs=3600000")) {
            for (String k : new String[] {"re/a", "re/b", "re/c"}) {
                Await.until(k + " live", Duration.ofSeconds(20), () -> api(server, k).contains("\"state\": \"live\""));
            }
            long pidA = pid(server, "re/a");
            long pidB = pid(server, "re/b");
            try (Viewer a = Viewer.watch(server.kernel().bus(), StreamKey.parse("re/a"), Duration.ofSeconds(10))) {
                Await.until("frames to a's viewer", Duration.ofSeconds(10), () -> a.frames.get() > 10);

                // b's url changes (same file, other spelling), c goes, d comes
                Files.writeString(cfg, head + entry("re/a", clip.toString()) + entry("re/b", "file://" + clip)
                        + entry("re/d", clip.toString()));
                assertTrue(server.kernel().reloadConfig(), "the edit applies");

                Await.until("re/d live", Duration.ofSeconds(20), () -> api(server, "re/d").contains("\"state\": \"live\""));
                Await.until("re/b live again, on a new worker", Duration.ofSeconds(20),
                        () -> api(server, "re/b").contains("\"state\": \"live\"") && pid(server, "re/b") != pidB);
                Await.until("re/c gone", Duration.ofSeconds(10),
                        () -> server.kernel().bus().stream(StreamKey.parse("re/c")).isEmpty()
                                && status(server, "re/c") == 404);
                assertTrue(api(server, "re/b").contains("file://"), api(server, "re/b"));

                int before = a.frames.get();
                Await.until("a's viewer still fed", Duration.ofSeconds(10), () -> a.frames.get() > before + 25);
                assertNull(a.ended.get(), "a's viewer was not disconnected");
                assertEquals(0, a.discontinuities.get(), "a was not restarted");
                assertEquals(pidA, pid(server, "re/a"), "a kept its worker");
                assertNotEquals(pidB, pid(server, "re/b"));
                assertEquals(1, server.kernel().bus().stream(StreamKey.parse("re/a")).orElseThrow().stats().publishes());
            }
        }
    }

    private static String api(TestServer server, String key) {
        try {
            return server.get("/api/sources/" + key).body();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static int status(TestServer server, String key) {
        try {
            return server.get("/api/sources/" + key).statusCode();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static long pid(TestServer server, String key) {
        Matcher m = PID.matcher(api(server, key));
        return m.find() ? Long.parseLong(m.group(1)) : -1;
    }
}
