package io.osprey.plugin.httpflv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.osprey.spi.bus.StreamKey;
import io.osprey.testkit.Await;
import io.osprey.testkit.ClipPublisher;
import io.osprey.testkit.Ffmpeg;
import io.osprey.testkit.Probe;
import io.osprey.testkit.TestMedia;
import io.osprey.testkit.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** FLV recordings: a finished one carries its duration; one whose publisher died mid-stream still plays. */
class RecordingTest {

    @Test
    void recordsEachStreamOfTheRecordedAppsWithDurationAndBothTracks() throws Exception {
        try (TestServer server = TestServer.start("plugins.httpflv.record.enabled=true",
                "plugins.httpflv.record.apps=[live]")) {
            Path clip = TestMedia.h264Aac(10, 1000);
            ClipPublisher rec = ClipPublisher.start(server.kernel().bus(), new StreamKey("live", "rec"), clip);
            ClipPublisher other = ClipPublisher.start(server.kernel().bus(), new StreamKey("other", "rec"), clip);
            Thread.sleep(4000);
            rec.close();
            other.close();
            Path dir = server.home().resolve("data/flv/live/rec");
            Await.until("the recording to be finished", Duration.ofSeconds(10), () -> metric(server,
                    "osprey_httpflv_recordings") == 0);
            List<Path> files = list(dir);
            assertEquals(1, files.size(), files.toString());
            assertTrue(files.get(0).getFileName().toString().matches("\\d{8}_\\d{6}\\.flv"), files.toString());
            assertTrue(!Files.exists(server.home().resolve("data/flv/other")), "app 'other' is not recorded");

            Probe.Result r = Probe.probe(files.get(0).toString());
            assertEquals("h264", r.video().codec(), r.raw());
            assertEquals("aac", r.audio().codec());
            assertTrue(r.duration() > 3.0 && r.duration() < 5.0, "duration " + r.duration());
            assertTrue(r.raw().contains("\"duration\": \"4") || r.raw().contains("\"duration\": \"3"), r.raw());
            Ffmpeg.Result decode = Ffmpeg.run(60, Ffmpeg.ffmpeg(), "-v", "error", "-i", files.get(0).toString(),
                    "-f", "null", "-");
            assertEquals(0, decode.exitCode(), decode.stderr());
            assertTrue(decode.stderr().isBlank(), "decodes without errors: " + decode.stderr());
        }
    }

    @Test
    void aPublisherThatDiesMidStreamLeavesAPlayableFile() throws Exception {
        try (TestServer server = TestServer.start("plugins.httpflv.record.enabled=true",
                "bus.reconnectGraceMs=60000")) {
            ClipPublisher p = ClipPublisher.start(server.kernel().bus(), new StreamKey("live", "crash"),
                    TestMedia.h264Aac(10, 1000));
            Thread.sleep(3000);
            p.crash(); // the stream waits for a reconnect: the file is still open, nothing finalised
            Path dir = server.home().resolve("data/flv/live/crash");
            Thread.sleep(1200);
            Path file = list(dir).get(0);
            assertEquals(1, metric(server, "osprey_httpflv_recordings"), "still recording (grace period)");
            Probe.Result r = Probe.probe(file.toString());
            assertNotNull(r.video(), r.raw());
            assertEquals("aac", r.audio().codec());
            Ffmpeg.Result decode = Ffmpeg.run(60, Ffmpeg.ffmpeg(), "-v", "error", "-i", file.toString(), "-f",
                    "null", "-");
            assertEquals(0, decode.exitCode(), decode.stderr());
            long packets = Ffmpeg.run(60, Ffmpeg.ffprobe(), "-v", "error", "-count_packets", "-select_streams", "v",
                    "-show_entries", "stream=nb_read_packets", "-of", "csv=p=0", file.toString()).stdout().trim()
                    .lines().mapToLong(Long::parseLong).sum();
            assertTrue(packets >= 50, "about 3 s of video on disk before the crash: " + packets + " packets");
        }
    }

    private static List<Path> list(Path dir) throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.sorted().toList();
        }
    }

    private static double metric(TestServer server, String name) {
        try {
            for (String line : server.get("/metrics").body().split("\n")) {
                if (line.startsWith(name + " ")) {
                    return Double.parseDouble(line.substring(name.length() + 1).trim());
                }
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return -1;
    }
}
