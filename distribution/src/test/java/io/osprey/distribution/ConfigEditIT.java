package io.osprey.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.osprey.testkit.Await;
import io.osprey.testkit.Ffmpeg;
import io.osprey.testkit.TestMedia;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Issue 13 point 3 against the assembled distribution: config edits that cannot apply are rejected with the key,
 * the file and the reason, and the running config stays — the RTMP listener on its port, the publisher connected.
 */
class ConfigEditIT {

    private static final String BASE = "plugins:\n  rtmp-ingest:\n    port: ${rtmpPort}\n  hls:\n    enabled: false\n";

    @Test
    void badEditsAreRejectedAndTheRunningConfigAndPublisherStay() throws Exception {
        try (DistributionProcess server = new DistributionProcess(BASE, true)) {
            server.awaitReady();
            Path config = server.configFile();
            String running = Files.readString(config);
            Path clip = TestMedia.h264Aac(20, 500);
            Path ffLog = Files.createTempFile("ffmpeg-config-edit", ".log");
            Process publisher = Ffmpeg.start(ffLog, "-re", "-i", clip.toString(), "-c", "copy", "-f", "flv",
                    server.rtmp("/live/s"));
            Await.until("the stream is live", Duration.ofSeconds(20), () -> server.flvStatus("/live/s.flv") == 200);

            // an unknown plugin id (a typo of hls)
            edit(server, running + "  hsl:\n    segmentMs: 1000\n", "plugins.hsl");
            assertTrue(server.log().contains("unknown plugin"), server.log());
            // a key that is not a property (hls has a settings(String) method, not a "tings" key)
            edit(server, running.replace("  hls:\n    enabled: false\n", "  hls:\n    enabled: false\n    tings: x\n"),
                    "plugins.hls.tings");
            assertTrue(publisher.isAlive(), "the publisher was not touched");
            assertEquals(200, server.flvStatus("/live/s.flv"));

            // the RTMP port changed to one that is in use: rejected, rtmp-ingest back on its old port
            try (ServerSocket busy = new ServerSocket(0)) {
                edit(server, running.replace("port: " + server.rtmpPort(), "port: " + busy.getLocalPort()),
                        "plugins.rtmp-ingest.port");
            }
            assertTrue(server.get("/api/plugins/rtmp-ingest").body().contains("\"state\" : \"active\""),
                    server.get("/api/plugins/rtmp-ingest").body());
            Path log2 = Files.createTempFile("ffmpeg-config-edit2", ".log");
            Process second = Ffmpeg.start(log2, "-re", "-i", clip.toString(), "-t", "3", "-c", "copy", "-f", "flv",
                    server.rtmp("/live/t"));
            Await.until("a new publisher on the old port", Duration.ofSeconds(20),
                    () -> server.flvStatus("/live/t.flv") == 200);
            assertTrue(second.waitFor(30, TimeUnit.SECONDS));
            assertTrue(server.get("/api/health").body().contains("\"status\" : \"healthy\""));
            publisher.destroy();
            publisher.waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** Writes {@code yaml} and waits for the rejection naming {@code key}, with the file and a reason. */
    private static void edit(DistributionProcess server, String yaml, String key) throws Exception {
        int before = count(server.log(), "config change rejected");
        Files.writeString(server.configFile(), yaml);
        Await.until("the edit is rejected", Duration.ofSeconds(15),
                () -> count(log(server), "config change rejected") > before);
        String log = server.log();
        String line = log.lines().filter(l -> l.contains("config change rejected")).reduce((a, b) -> b).orElseThrow();
        assertTrue(line.contains(key), "names the key " + key + ": " + line);
        assertTrue(line.contains("osprey.yaml"), "names the file: " + line);
        assertFalse(log.contains("plugin rtmp-ingest failed:") && !key.contains("rtmp"), log);
    }

    private static String log(DistributionProcess server) {
        try {
            return server.log();
        } catch (java.io.IOException e) {
            return "";
        }
    }

    private static int count(String text, String what) {
        int n = 0;
        for (int i = text.indexOf(what); i >= 0; i = text.indexOf(what, i + 1)) {
            n++;
        }
        return n;
    }
}
