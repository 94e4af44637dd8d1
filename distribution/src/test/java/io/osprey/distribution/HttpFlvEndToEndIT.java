package io.osprey.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.osprey.testkit.Await;
import io.osprey.testkit.Ffmpeg;
import io.osprey.testkit.Probe;
import io.osprey.testkit.TestMedia;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * httpflv end to end with real ffmpeg publishers over RTMP: FLV recordings of a 10 s publish and of a publisher
 * killed mid-stream, and an edge relay that rides through a restart of the origin's publisher.
 */
class HttpFlvEndToEndIT {

    static final String RECORDING = "plugins:\n  httpflv:\n    record:\n      enabled: true\n";

    @Test
    void aTenSecondPublishIsRecordedWithItsDurationAndBothTracks() throws Exception {
        try (InProcessServer s = new InProcessServer(RECORDING)) {
            Path clip = TestMedia.h264Aac(10, 1000);
            Path log = Files.createTempFile("ffmpeg-rec", ".log");
            Process p = Ffmpeg.start(log, "-re", "-i", clip.toString(), "-c", "copy", "-f", "flv",
                    s.rtmp("/live/rec10"));
            assertTrue(p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS), "ffmpeg finished publishing");
            Path dir = s.server().home().resolve("data/flv/live/rec10");
            Await.until("the recording to be closed", Duration.ofSeconds(15), () -> {
                try {
                    return s.get("/metrics").body().contains("osprey_httpflv_recordings 0");
                } catch (Exception e) {
                    return false;
                }
            });
            Path file = only(dir);
            Probe.Result r = Probe.probe(file.toString());
            System.out.println("recording of a 10 s publish: ffprobe duration " + r.duration() + " s");
            assertEquals("h264", r.video().codec(), r.raw());
            assertEquals(640, r.video().width());
            assertEquals("aac", r.audio().codec());
            assertEquals(44100, r.audio().sampleRate());
            assertTrue(Math.abs(r.duration() - 10.0) < 0.6, "duration " + r.duration());
        }
    }

    @Test
    void aPublisherKilledMidStreamLeavesAPlayableRecording() throws Exception {
        try (InProcessServer s = new InProcessServer(RECORDING)) {
            Path clip = TestMedia.h264Aac(10, 1000);
            Process p = Ffmpeg.start(Files.createTempFile("ffmpeg-kill", ".log"), "-re", "-i", clip.toString(), "-c",
                    "copy", "-f", "flv", s.rtmp("/live/killed"));
            Path dir = s.server().home().resolve("data/flv/live/killed");
            Await.until("recording", Duration.ofSeconds(20), () -> Files.isDirectory(dir));
            Thread.sleep(4000);
            p.destroyForcibly();
            p.waitFor();
            Thread.sleep(1500); // well within the reconnect grace: the file is still open
            Path file = only(dir);
            Probe.Result r = Probe.probe(file.toString());
            assertNotNull(r.video(), r.raw());
            assertEquals("aac", r.audio().codec());
            Ffmpeg.Result decode = Ffmpeg.run(60, Ffmpeg.ffmpeg(), "-v", "error", "-i", file.toString(), "-f",
                    "null", "-");
            assertEquals(0, decode.exitCode(), decode.stderr());
            System.out.println("recording of a killed publisher: " + Files.size(file) + " bytes, decodes cleanly");
        }
    }

    @Test
    void anEdgeRelaysAnOriginAndRidesThroughARestartOfItsPublisher() throws Exception {
        try (InProcessServer origin = new InProcessServer("bus:\n  reconnectGraceMs: 3000\n")) {
            String edgeConfig = "bus:\n  reconnectGraceMs: 20000\nplugins:\n  httpflv:\n    relay:\n      upstreams:\n"
                    + "        - app: live\n          url: http://127.0.0.1:" + origin.httpPort()
                    + "/{app}/{stream}.flv\n";
            try (InProcessServer edge = new InProcessServer(edgeConfig)) {
                Path clip = TestMedia.h264Aac(10, 1000);
                Process publisher = MediaPathContract.publish(origin, Files.createTempFile("ffmpeg-origin", ".log"));
                try {
                    Probe.Result r = Probe.probe(edge.url("/live/test.flv"));
                    assertEquals("h264", r.video().codec(), r.raw());
                    assertEquals("aac", r.audio().codec());

                    AtomicLong received = new AtomicLong();
                    HttpResponse<InputStream> viewer = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                            URI.create(edge.url("/live/test.flv"))).build(), HttpResponse.BodyHandlers.ofInputStream());
                    assertEquals(200, viewer.statusCode());
                    Thread reader = new Thread(() -> {
                        byte[] buf = new byte[65536];
                        try (InputStream in = viewer.body()) {
                            int n;
                            while ((n = in.read(buf)) >= 0) {
                                received.addAndGet(n);
                            }
                        } catch (Exception ignored) {
                            // closed at the end of the test
                        }
                        received.set(-1_000_000_000L); // the viewer's connection ended
                    });
                    reader.setDaemon(true);
                    reader.start();
                    Await.until("bytes through the edge", Duration.ofSeconds(10), () -> received.get() > 200_000);

                    publisher.destroyForcibly(); // the origin's publisher dies...
                    publisher.waitFor();
                    Thread.sleep(1000);
                    publisher = Ffmpeg.start(Files.createTempFile("ffmpeg-origin2", ".log"), "-re", "-stream_loop",
                            "-1", "-i", clip.toString(), "-c", "copy", "-f", "flv", origin.rtmp("/live/test"));
                    long atRestart = received.get();
                    Await.until("the edge viewer to get media again", Duration.ofSeconds(20),
                            () -> received.get() > atRestart + 300_000);
                    assertTrue(received.get() > 0, "the viewer's connection never ended");
                    viewer.body().close();
                } finally {
                    Ffmpeg.stop(publisher);
                }
            }
        }
    }

    private static Path only(Path dir) throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            List<Path> files = s.toList();
            assertEquals(1, files.size(), files.toString());
            return files.get(0);
        }
    }
}
