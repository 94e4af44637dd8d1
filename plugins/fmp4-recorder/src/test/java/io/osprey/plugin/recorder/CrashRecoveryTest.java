package io.osprey.plugin.recorder;

import static io.osprey.plugin.recorder.RecorderEndToEndTest.assertDecodes;
import static io.osprey.plugin.recorder.RecorderEndToEndTest.concat;
import static io.osprey.plugin.recorder.RecorderEndToEndTest.segments;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.osprey.testkit.Await;
import io.osprey.testkit.Ffmpeg;
import io.osprey.testkit.Probe;
import io.osprey.testkit.TestMedia;
import io.osprey.testkit.TestServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kill -9} during a recording: the server runs as its own process (this module's test class path, the
 * test-feeder plugin publishing a 30 s clip at 2x real time), is killed once 20 s of stream are on disk; the
 * segments left behind play, and the next start (in-process, same data folder) completes the merge.
 */
class CrashRecoveryTest {

    @TempDir
    Path home;

    @Test
    void killedRecordingPlaysAndIsMergedAtTheNextStart() throws Exception {
        Path clip = TestMedia.h264Aac(30, 500);
        Path data = home.resolve("data");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                "io.osprey.kernel.Main", "--home", home.toString(),
                "--set", "server.http.port=0", "--set", "server.dataDir=" + data, "--set", "server.webDir=",
                "--set", "server.plugins.mode=classpath", "--set", "server.admin.token=" + TestServer.TOKEN,
                "--set", "server.configScanIntervalMs=0", "--set", "plugins.test-feeder.file=" + clip,
                "--set", "plugins.test-feeder.stream=live/crash", "--set", "plugins.test-feeder.speed=2",
                "--set", "plugins.fmp4-recorder.mode=both", "--set", "plugins.fmp4-recorder.keepSegments=true")
                .redirectErrorStream(true).redirectOutput(home.resolve("server.log").toFile());
        Process server = pb.start();
        Path streamDir = data.resolve("mp4/live/crash");
        Path[] session = new Path[1];
        try {
            Await.until("20 s of recording on disk", Duration.ofSeconds(90), () -> {
                assertTrue(server.isAlive(), "server died: " + log());
                session[0] = only(streamDir);
                return session[0] != null && recordedSeconds(session[0].resolve("output_merge/index.m3u8")) >= 19;
            });
        } finally {
            server.destroyForcibly(); // SIGKILL: no shutdown hook, no end-of-stream path
            assertTrue(server.waitFor(30, TimeUnit.SECONDS));
        }
        assertEquals(137, server.exitValue(), "killed by SIGKILL");
        Path s = session[0];
        assertTrue(!Files.exists(s.resolve("stream_full.mp4")));

        // what is on disk right after the kill plays: closed segments of both kinds of set
        Path merged = s.resolve("output_merge");
        assertDecodes(concat(merged.resolve("init.mp4"), segments(merged, "seg-")), true, true);
        Path separate = s.resolve("output_separate");
        assertDecodes(concat(separate.resolve("video_init.mp4"), segments(separate, "video-")), true, false);

        // the next start finds the cut session and completes it
        try (TestServer next = TestServer.start(home, null, "plugins.fmp4-recorder.mode=both",
                "plugins.fmp4-recorder.keepSegments=true")) {
            Await.until("merge at start", Duration.ofSeconds(60), () -> Files.exists(s.resolve("stream_full.mp4")));
            Probe.Result p = Probe.probe(s.resolve("stream_full.mp4").toString());
            assertTrue(p.duration() >= 18, "merged " + p.duration() + " s");
            assertTrue(p.video() != null && p.audio() != null, p.raw());
            Ffmpeg.Result r = Ffmpeg.run(120, Ffmpeg.ffmpeg(), "-v", "error", "-i",
                    s.resolve("stream_full.mp4").toString(), "-f", "null", "-");
            assertEquals(0, r.exitCode(), r.stderr());
            try (Stream<Path> files = Files.walk(s)) {
                assertTrue(files.noneMatch(f -> f.toString().endsWith(".part") || f.toString().endsWith(".tmp")));
            }
            String index = Files.readString(s.resolve("index.json"));
            assertTrue(index.contains("\"state\": \"merged\""), index);
            assertTrue(!index.contains("\"mime\": null") && index.contains("audio/mp4; codecs=\\\"mp4a.40.2"), index);
            String playlist = Files.readString(merged.resolve("index.m3u8"));
            assertTrue(playlist.contains("#EXT-X-ENDLIST"), playlist);
            assertTrue(recordedSeconds(merged.resolve("index.m3u8")) >= 18, playlist);
        }
    }

    private String log() {
        try {
            return Files.readString(home.resolve("server.log"));
        } catch (IOException e) {
            return e.toString();
        }
    }

    private static Path only(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            List<Path> all = s.toList();
            return all.size() == 1 ? all.get(0) : null;
        } catch (IOException e) {
            return null;
        }
    }

    static double recordedSeconds(Path playlist) {
        try {
            double sum = 0;
            for (String line : Files.readAllLines(playlist)) {
                if (line.startsWith("#EXTINF:")) {
                    sum += Double.parseDouble(line.substring(8, line.indexOf(',')));
                }
            }
            return sum;
        } catch (IOException e) {
            return 0;
        }
    }
}
