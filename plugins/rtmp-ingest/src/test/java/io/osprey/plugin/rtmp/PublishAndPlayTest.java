package io.osprey.plugin.rtmp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.osprey.media.flv.FlvTag;
import io.osprey.testkit.Await;
import io.osprey.testkit.Ffmpeg;
import io.osprey.testkit.Probe;
import io.osprey.testkit.TestMedia;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Real clients in, real clients out: ffmpeg and a Java RTMP client publish over RTMP, RTMPS and HTTP-FLV push with
 * H.264+AAC and HEVC+AAC (Enhanced RTMP), at chunk sizes 128 and 60000; ffprobe reads each back over RTMP play (and
 * RTMPS) with the same tracks.
 */
class PublishAndPlayTest {

    private static SharedServer s;
    private static Path logs;

    @BeforeAll
    static void start() throws Exception {
        s = SharedServer.get();
        logs = Files.createTempDirectory("rtmp-publish-logs");
    }

    static void assertH264Aac(Probe.Result r) {
        assertNotNull(r.video(), r.raw());
        assertEquals("h264", r.video().codec());
        assertEquals(640, r.video().width());
        assertEquals(360, r.video().height());
        assertNotNull(r.audio(), r.raw());
        assertEquals("aac", r.audio().codec());
        assertEquals(44100, r.audio().sampleRate());
        assertEquals(2, r.audio().channels());
    }

    static void awaitLive(String key) {
        Await.until(key + " to be live", Duration.ofSeconds(20),
                () -> SharedServer.status(s.server, "/api/streams/" + key) == 200);
    }

    @Test
    void ffmpegPublishesH264AacOverRtmpAndFfprobeReadsItBack() throws Exception {
        assertH264Aac(Probe.probe(s.server.rtmp("/" + SharedServer.BACKGROUND)));
    }

    @ParameterizedTest
    @ValueSource(ints = {128, 60000})
    void javaClientPublishesAtChunkSize(int chunkSize) throws Exception {
        List<FlvTag> tags = RtmpTestClient.tags(TestMedia.h264Aac(10, 500));
        try (RtmpTestClient c = RtmpTestClient.open(s.server.rtmpPort()).handshake()) {
            c.connect("live");
            c.setChunkSize(chunkSize);
            assertEquals("NetStream.Publish.Start", c.publish("chunk" + chunkSize));
            try (AutoCloseable loop = c.loop(tags)) {
                awaitLive("live/chunk" + chunkSize);
                assertH264Aac(Probe.probe(s.server.rtmp("/live/chunk" + chunkSize)));
            }
            assertTrue(!c.isClosed(), "the publisher stayed connected: " + c.closeCause());
        }
    }

    @Test
    void ffmpegPublishesHevcOverEnhancedRtmp() throws Exception {
        Process p = Ffmpeg.start(logs.resolve("hevc.log"), "-re", "-stream_loop", "-1", "-i", hevcClip().toString(),
                "-c", "copy", "-f", "flv", s.server.rtmp("/live/hevc"));
        try {
            awaitLive("live/hevc");
            Probe.Result r = Probe.probe(s.server.rtmp("/live/hevc"));
            assertHevcAac(r);
        } finally {
            Ffmpeg.stop(p);
        }
    }

    @Test
    void ffmpegPublishesOverRtmpsAndItPlaysOverRtmpAndRtmps() throws Exception {
        Process p = Ffmpeg.start(logs.resolve("rtmps.log"), "-re", "-stream_loop", "-1", "-i",
                TestMedia.h264Aac(10, 500).toString(), "-c", "copy", "-f", "flv", s.rtmps("/live/secure"));
        try {
            awaitLive("live/secure");
            assertH264Aac(Probe.probe(s.server.rtmp("/live/secure")));
            assertH264Aac(Probe.probe(s.rtmps("/live/secure")));
            assertTrue(s.server.get("/api/streams/live/secure").body().contains("rtmps"),
                    "the bus knows the publisher came over RTMPS");
        } finally {
            Ffmpeg.stop(p);
        }
    }

    @Test
    void javaTlsClientPublishesOverRtmps() throws Exception {
        List<FlvTag> tags = RtmpTestClient.tags(TestMedia.h264Aac(10, 500));
        try (RtmpTestClient c = RtmpTestClient.open(null, s.rtmpsPort, true).handshake()) {
            c.connect("live");
            c.setChunkSize(60000);
            assertEquals("NetStream.Publish.Start", c.publish("tlsjava"));
            try (AutoCloseable loop = c.loop(tags)) {
                awaitLive("live/tlsjava");
                assertH264Aac(Probe.probe(s.server.rtmp("/live/tlsjava")));
            }
        }
    }

    @Test
    void ffmpegPushesH264AacOverHttpChunkedPost() throws Exception {
        Process p = Ffmpeg.start(logs.resolve("push-post.log"), "-re", "-stream_loop", "-1", "-i",
                TestMedia.h264Aac(10, 500).toString(), "-c", "copy", "-f", "flv", "-method", "POST",
                "-chunked_post", "1", s.server.http("/live/push"));
        try {
            awaitLive("live/push");
            assertH264Aac(Probe.probe(s.server.rtmp("/live/push")));
            assertTrue(s.server.get("/api/streams/live/push").body().contains("http-flv"));
        } finally {
            Ffmpeg.stop(p);
        }
    }

    @Test
    void ffmpegPushesHevcOverHttpPut() throws Exception {
        Process p = Ffmpeg.start(logs.resolve("push-put.log"), "-re", "-stream_loop", "-1", "-i",
                hevcClip().toString(), "-c", "copy", "-f", "flv", "-method", "PUT", s.server.http("/live/pushhevc"));
        try {
            awaitLive("live/pushhevc");
            assertHevcAac(Probe.probe(s.server.rtmp("/live/pushhevc")));
        } finally {
            Ffmpeg.stop(p);
        }
    }

    @Test
    void pushWithContentLengthPublishesUntilTheBodyEndsThenAnswers200() throws Exception {
        byte[] flv = Files.readAllBytes(TestMedia.h264Aac(10, 500));
        try (Socket sock = new Socket("127.0.0.1", s.server.httpPort())) {
            OutputStream out = sock.getOutputStream();
            out.write(("PUT /live/putlen HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: video/x-flv\r\n"
                    + "Content-Length: " + flv.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            // 2.5x real time: the 10 s clip in 100 pieces, 40 ms apart, probed while it flows
            int piece = flv.length / 100 + 1;
            Thread writer = new Thread(() -> {
                try {
                    for (int at = 0; at < flv.length; at += piece) {
                        out.write(flv, at, Math.min(piece, flv.length - at));
                        out.flush();
                        Thread.sleep(40);
                    }
                } catch (Exception ignored) {
                    // the assertions below notice
                }
            });
            writer.start();
            awaitLive("live/putlen");
            assertH264Aac(Probe.probe(s.server.rtmp("/live/putlen")));
            writer.join(30_000);
            sock.setSoTimeout(10_000);
            InputStream in = sock.getInputStream();
            String status = new String(in.readNBytes(12), StandardCharsets.US_ASCII);
            assertEquals("HTTP/1.1 200", status);
        }
        Await.until("the stream to end with the body", Duration.ofSeconds(10),
                () -> SharedServer.status(s.server, "/api/streams/live/putlen") == 404);
    }

    @Test
    void otherMethodsAndPathsAreLeftToOtherRoutes() throws Exception {
        assertEquals(404, s.server.status("/live/bg"));            // HEAD/GET: not ours
        assertEquals(200, s.server.get("/api/streams").statusCode()); // the admin API is not shadowed
        assertEquals(404, s.server.post("/a/b/c").statusCode());   // three segments: not a push path
    }

    static void assertHevcAac(Probe.Result r) {
        assertNotNull(r.video(), r.raw());
        assertEquals("hevc", r.video().codec());
        assertEquals(320, r.video().width());
        assertEquals(240, r.video().height());
        assertNotNull(r.audio(), r.raw());
        assertEquals("aac", r.audio().codec());
    }

    /** A 4 s 320x240 HEVC (libx265, from the GPL natives on the test class path) + AAC FLV, made once. */
    static synchronized Path hevcClip() throws Exception {
        Path dir = Path.of("target", "test-media").toAbsolutePath();
        Files.createDirectories(dir);
        Path out = dir.resolve("hevc-aac-4s.flv");
        if (Files.isRegularFile(out) && Files.size(out) > 0) {
            return out;
        }
        Path tmp = dir.resolve("hevc-aac-4s.flv.tmp");
        Ffmpeg.Result r = Ffmpeg.run(120, Ffmpeg.ffmpeg(), "-hide_banner", "-y", "-loglevel", "error", "-f", "lavfi",
                "-i", "testsrc2=size=320x240:rate=25", "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=44100",
                "-t", "4", "-c:v", "libx265", "-preset", "ultrafast", "-x265-params", "log-level=error:keyint=25",
                "-b:v", "300k", "-c:a", "aac", "-b:a", "64k", "-f", "flv", tmp.toString());
        assertEquals(0, r.exitCode(), "making the HEVC clip: " + r.stderr());
        Files.move(tmp, out, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        return out;
    }
}
