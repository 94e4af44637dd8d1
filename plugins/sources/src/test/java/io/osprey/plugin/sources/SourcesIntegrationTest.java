package io.osprey.plugin.sources;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.osprey.spi.bus.Codec;
import io.osprey.spi.bus.MediaBus;
import io.osprey.spi.bus.StreamKey;
import io.osprey.spi.bus.TrackInfo;
import io.osprey.testkit.Await;
import io.osprey.testkit.Ffmpeg;
import io.osprey.testkit.FreePorts;
import io.osprey.testkit.TestMedia;
import io.osprey.testkit.TestServer;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Real sources made here, read by real ffmpeg workers into a real server's bus: local files (looped, paced), an
 * RTMP server (the bundled ffmpeg listening) killed and restarted, a PCM-audio file, a source sending garbage and
 * one that never answers.
 */
class SourcesIntegrationTest {

    private static Path clip;
    private static Path pcm;
    private static int rtmpPort;
    private static ServerSocket silent;
    private static ServerSocket garbage;
    private static final List<Socket> held = new ArrayList<>();
    private static TestServer server;

    @BeforeAll
    static void start() throws Exception {
        clip = TestMedia.h264Aac(4, 300);
        pcm = clip.resolveSibling("h264-pcm-4s.mkv");
        if (!pcm.toFile().isFile()) {
            Ffmpeg.Result r = Ffmpeg.run(60, Ffmpeg.ffmpeg(), "-hide_banner", "-y", "-loglevel", "error", "-i",
                    clip.toString(), "-c:v", "copy", "-c:a", "pcm_s16le", pcm.toString());
            assertEquals(0, r.exitCode(), r.stderr());
        }
        rtmpPort = FreePorts.next();
        silent = new ServerSocket(0);          // accepts and never says a word
        garbage = new ServerSocket(0);         // answers any request with noise
        Thread t = new Thread(SourcesIntegrationTest::serveGarbage, "garbage-source");
        t.setDaemon(true);
        t.start();
        Thread s = new Thread(SourcesIntegrationTest::holdSilent, "silent-source");
        s.setDaemon(true);
        s.start();
        server = TestServer.start(
                "plugins.sources.idleStopMs=1000",
                "plugins.sources.stallMs=3000",
                "plugins.sources.startTimeoutMs=4000",
                "plugins.sources.minBackoffMs=200",
                "plugins.sources.maxBackoffMs=1000",
                "plugins.sources.maxActive=6",
                "plugins.sources.streams.live/always.url=" + clip,
                "plugins.sources.streams.live/always.loop=true",
                "plugins.sources.streams.cams/a.url=file://" + clip,
                "plugins.sources.streams.cams/a.loop=true",
                "plugins.sources.streams.cams/a.onDemand=true",
                "plugins.sources.streams.cams/pcm.url=" + pcm,
                "plugins.sources.streams.cams/pcm.loop=true",
                "plugins.sources.streams.cams/pcm.onDemand=true",
                "plugins.sources.streams.cams/rtmp.url=rtmp://127.0.0.1:" + rtmpPort + "/live/cam",
                "plugins.sources.streams.cams/rtmp.audio=copy", // the listening ffmpeg serves one client: no probe
                "plugins.sources.streams.bad/garbage.url=http://127.0.0.1:" + garbage.getLocalPort() + "/x.ts",
                "plugins.sources.streams.bad/silent.url=http://127.0.0.1:" + silent.getLocalPort() + "/x.ts");
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
        silent.close();
        garbage.close();
        for (Socket s : held) {
            s.close();
        }
    }

    private static MediaBus bus() {
        return server.kernel().bus();
    }

    @Test
    void anAlwaysOnFileIsLiveWithoutViewers() throws Exception {
        StreamKey key = StreamKey.parse("live/always");
        Await.until("live/always live", Duration.ofSeconds(15), () -> bus().stream(key).isPresent());
        Await.until("frames flowing", Duration.ofSeconds(10),
                () -> bus().stream(key).map(v -> v.stats().framesIn() > 50).orElse(false));
        String api = server.get("/api/sources/live/always").body();
        assertTrue(api.contains("\"state\": \"live\""), api);
    }

    @Test
    void anOnDemandSourceStartsForAViewerAndStopsAfterTheLastLeft() throws Exception {
        StreamKey key = StreamKey.parse("cams/a");
        assertTrue(bus().stream(key).isEmpty(), "not started before a viewer");
        try (Viewer v = Viewer.watch(bus(), key, Duration.ofSeconds(15))) {
            Await.until("frames to the viewer", Duration.ofSeconds(10), () -> v.frames.get() > 25);
        }
        Await.until("idle stop", Duration.ofSeconds(10), () -> bus().stream(key).isEmpty()
                && api("cams/a").contains("\"state\": \"idle\""));
        Await.until("its worker gone", Duration.ofSeconds(5), () -> workers("cams/a") == 0);
    }

    @Test
    void pcmAudioComesOutAsAac() throws Exception {
        StreamKey key = StreamKey.parse("cams/pcm");
        try (Viewer v = Viewer.watch(bus(), key, Duration.ofSeconds(15))) {
            Await.until("frames", Duration.ofSeconds(10), () -> v.frames.get() > 25);
            List<TrackInfo> tracks = bus().stream(key).orElseThrow().tracks();
            assertTrue(tracks.stream().anyMatch(t -> t.codec() == Codec.AAC), tracks.toString());
            assertTrue(tracks.stream().anyMatch(t -> t.codec() == Codec.H264), tracks.toString());
            String api = server.get("/api/sources/cams/pcm").body();
            assertTrue(api.contains("\"sourceAudio\": \"pcm_s16le\""), api);
        }
    }

    @Test
    void aKilledAndRestartedRtmpSourceContinuesTheStreamForItsViewer() throws Exception {
        StreamKey key = StreamKey.parse("cams/rtmp");
        Process upstream = rtmpServer();
        try {
            // always on: the source retries (back-off) until the listening ffmpeg is up, then goes live
            Await.until("cams/rtmp live", Duration.ofSeconds(20), () -> api("cams/rtmp").contains("\"state\": \"live\""));
            try (Viewer v = Viewer.watch(bus(), key, Duration.ofSeconds(20))) {
                Await.until("frames", Duration.ofSeconds(10), () -> v.frames.get() > 25);
                upstream.destroyForcibly();
                upstream.waitFor();
                Await.until("reconnecting", Duration.ofSeconds(10), () -> api("cams/rtmp")
                        .contains("\"state\": \"reconnecting\""));
                upstream = rtmpServer();
                int before = v.frames.get();
                Await.until("frames again on the same subscription", Duration.ofSeconds(20),
                        () -> v.frames.get() > before + 25);
                assertNull(v.ended.get(), "the viewer was never ended");
                assertTrue(v.discontinuities.get() >= 1, "the restart is marked as a discontinuity");
                String api = server.get("/api/sources/cams/rtmp").body();
                assertTrue(api.contains("\"state\": \"live\""), api);
                assertTrue(!api.contains("\"restarts\": 0"), api);
            }
        } finally {
            Ffmpeg.stop(upstream);
        }
    }

    @Test
    void garbageAndSilentSourcesFailAloneAndTheServerStaysHealthy() throws Exception {
        Await.until("both retried", Duration.ofSeconds(20), () -> {
            String g = api("bad/garbage");
            String s = api("bad/silent");
            return !g.contains("\"restarts\": 0") && !s.contains("\"restarts\": 0");
        });
        String s = server.get("/api/sources/bad/silent").body();
        assertTrue(s.contains("\"lastError\": \""), s);
        assertTrue(bus().stream(StreamKey.parse("bad/garbage")).isEmpty());
        assertEquals(200, server.get("/api/health").statusCode());
        Await.until("live/always still live", Duration.ofSeconds(15),
                () -> bus().stream(StreamKey.parse("live/always")).isPresent());
    }

    /** GET /api/sources/{key} with the admin token. */
    static String api(String key) {
        try {
            return server.get("/api/sources/" + key).body();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static Process rtmpServer() throws Exception {
        return Ffmpeg.start(null, "-re", "-stream_loop", "-1", "-i", clip.toString(), "-c", "copy", "-f", "flv",
                "-listen", "1", "rtmp://127.0.0.1:" + rtmpPort + "/live/cam");
    }

    /** ffmpeg children of this JVM whose command line reads {@code key}'s source (by its worker name: not shown). */
    static long workers(String key) {
        return ProcessHandle.current().descendants().filter(p -> p.info().command().map(c -> c.endsWith("/ffmpeg"))
                .orElse(false)).filter(p -> p.info().arguments().map(a -> String.join(" ", a).contains(
                        key.equals("cams/a") ? "file://" + clip : key)).orElse(false)).count();
    }

    private static void serveGarbage() {
        byte[] noise = new byte[65536];
        new java.util.Random(7).nextBytes(noise);
        while (!garbage.isClosed()) {
            try (Socket c = garbage.accept()) {
                c.getOutputStream().write(("HTTP/1.1 200 OK\r\nContent-Type: video/mp2t\r\nContent-Length: "
                        + noise.length + "\r\n\r\n").getBytes());
                c.getOutputStream().write(noise);
                c.getOutputStream().flush();
            } catch (Exception e) {
                return;
            }
        }
    }

    private static void holdSilent() {
        while (!silent.isClosed()) {
            try {
                Socket c = silent.accept();
                synchronized (held) {
                    held.add(c);
                }
            } catch (Exception e) {
                return;
            }
        }
    }
}
