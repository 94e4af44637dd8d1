package io.osprey.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.osprey.testkit.Await;
import io.osprey.testkit.BoundHttp;
import io.osprey.testkit.Ffmpeg;
import io.osprey.testkit.TestMedia;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * ratelimit's connection caps with real clients of every output: {@code viewers.perStream: 3} refuses the 4th
 * HTTP-FLV, WS-FLV, RTMP and HLS viewer while the first three keep playing, and frees the slots when they leave;
 * {@code publishers.perIp: 1} refuses a second ffmpeg publish from the same address with the reason.
 */
class RateLimitCapsIT {

    private static final String CONFIG = """
            plugins:
              ratelimit:
                viewers: { perStream: 3 }
                publishers: { perIp: 1 }
                hlsViewerIdleMs: 3000
              hls:
                segmentMs: 1000
            """;

    private static InProcessServer server;
    private static Process publisher;

    @BeforeAll
    static void start() throws Exception {
        server = new InProcessServer(CONFIG);
        publisher = Ffmpeg.start(Files.createTempFile("rl-pub", ".log"), "-re", "-stream_loop", "-1", "-i",
                TestMedia.h264Aac(10, 500).toString(), "-c", "copy", "-f", "flv", server.rtmp("/live/cap"));
        Await.until("the stream to be live", Duration.ofSeconds(20), () -> status("/api/streams/live/cap") == 200);
    }

    @AfterAll
    static void stop() throws Exception {
        if (publisher != null) {
            Ffmpeg.stop(publisher);
        }
        if (server != null) {
            server.close();
        }
    }

    private static int status(String path) {
        try {
            return server.get(path).statusCode();
        } catch (Exception e) {
            return -1;
        }
    }

    /** Each test starts with every slot free (HLS sessions of the previous one expire after hlsViewerIdleMs). */
    @BeforeEach
    void slotsFree() {
        awaitNoViewerSlots();
    }

    private static void awaitNoViewerSlots() {
        Await.until("the viewer slots to be free", Duration.ofSeconds(10), () -> {
            try {
                String api = server.get("/api/ratelimit").body();
                return api.contains("\"viewers.perStream\":0") && api.contains("\"hlsViewers\":0");
            } catch (Exception e) {
                return false;
            }
        });
    }

    @Test
    void theFourthHttpFlvViewerIsRefusedWhileTheFirstThreeKeepPlaying() throws Exception {
        List<FlvViewerClient> viewers = new ArrayList<>();
        try {
            int[] st = new int[1];
            for (int i = 2; i <= 4; i++) {
                FlvViewerClient v = FlvViewerClient.open("127.0.0." + i, server.httpPort(), "/live/cap.flv", st);
                assertNotNull(v, "viewer " + i + " got " + st[0]);
                viewers.add(v);
            }
            BoundHttp.Response fourth = BoundHttp.get("127.0.0.5", server.httpPort(), "/live/cap.flv");
            assertEquals(429, fourth.status());
            assertNotNull(fourth.header("Retry-After"));
            assertTrue(fourth.text().contains("viewers.perStream"), fourth.text());
            stillPlaying(viewers);
        } finally {
            for (FlvViewerClient v : viewers) {
                v.close();
            }
        }
        awaitNoViewerSlots();
        int[] st = new int[1];
        try (FlvViewerClient again = FlvViewerClient.open("127.0.0.5", server.httpPort(), "/live/cap.flv", st)) {
            assertNotNull(again, "a slot is free once a viewer has gone: " + st[0]);
        }
    }

    private static void stillPlaying(List<FlvViewerClient> viewers) {
        long[] before = viewers.stream().mapToLong(FlvViewerClient::bytes).toArray();
        Await.until("the first three to keep receiving", Duration.ofSeconds(5), () -> {
            for (int i = 0; i < viewers.size(); i++) {
                if (viewers.get(i).bytes() <= before[i] + 10_000) {
                    return false;
                }
            }
            return true;
        });
    }

    @Test
    void theFourthWebSocketFlvViewerIsRefusedAtTheUpgrade() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        List<WebSocket> open = new ArrayList<>();
        List<AtomicLong> received = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                AtomicLong n = new AtomicLong();
                received.add(n);
                open.add(http.newWebSocketBuilder().buildAsync(URI.create("ws://127.0.0.1:" + server.httpPort()
                        + "/live/cap.flv"), new WebSocket.Listener() {
                            @Override
                            public CompletionStage<?> onBinary(WebSocket ws, ByteBuffer data, boolean last) {
                                n.addAndGet(data.remaining());
                                ws.request(1);
                                return null;
                            }
                        }).get(10, TimeUnit.SECONDS));
            }
            try {
                http.newWebSocketBuilder().buildAsync(URI.create("ws://127.0.0.1:" + server.httpPort()
                        + "/live/cap.flv"), new WebSocket.Listener() { }).join();
                throw new AssertionError("the 4th WebSocket upgrade was accepted");
            } catch (CompletionException e) {
                WebSocketHandshakeException h = (WebSocketHandshakeException) e.getCause();
                assertEquals(429, h.getResponse().statusCode());
            }
            long[] before = received.stream().mapToLong(AtomicLong::get).toArray();
            Await.until("the first three WS viewers to keep receiving", Duration.ofSeconds(5), () -> {
                for (int i = 0; i < 3; i++) {
                    if (received.get(i).get() <= before[i] + 10_000) {
                        return false;
                    }
                }
                return true;
            });
        } finally {
            for (WebSocket ws : open) {
                ws.abort();
            }
        }
        awaitNoViewerSlots();
    }

    @Test
    void theFourthRtmpViewerGetsAnErrorStatusWithTheReason() throws Exception {
        List<Process> players = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                players.add(Ffmpeg.start(Files.createTempFile("rl-play", ".log"), "-i", server.rtmp("/live/cap"),
                        "-c", "copy", "-f", "null", "-"));
            }
            Await.until("three RTMP viewers", Duration.ofSeconds(15), () -> {
                try {
                    return server.get("/api/ratelimit").body().contains("\"viewers.perStream\":3");
                } catch (Exception e) {
                    return false;
                }
            });
            Ffmpeg.Result fourth = Ffmpeg.run(20, Ffmpeg.ffmpeg(), "-i", server.rtmp("/live/cap"), "-c", "copy",
                    "-t", "2", "-f", "null", "-");
            assertTrue(fourth.exitCode() != 0, "the 4th RTMP viewer failed");
            assertTrue(fourth.stderr().contains("viewers.perStream"), "ffmpeg shows the reason: " + fourth.stderr());
            Thread.sleep(1000); // and the first three are still connected, playing
            for (Process p : players) {
                assertTrue(p.isAlive(), "an admitted RTMP viewer kept playing");
            }
        } finally {
            for (Process p : players) {
                Ffmpeg.stop(p);
            }
        }
        awaitNoViewerSlots();
    }

    @Test
    void theFourthHlsClientIsRefusedWhileTheFirstThreeKeepFetching() throws Exception {
        String playlist = "/hls/live/cap/index.m3u8";
        Await.until("the HLS playlist", Duration.ofSeconds(15),
                () -> hlsStatus("127.0.0.9", playlist) == 200);
        Await.until("the probe's HLS session to expire", Duration.ofSeconds(10), () -> {
            try {
                return server.get("/api/ratelimit").body().contains("\"hlsViewers\":0");
            } catch (Exception e) {
                return false;
            }
        });
        String[] first = {"127.0.0.2", "127.0.0.3", "127.0.0.4"};
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(4);
        boolean refusedSeen = false;
        while (System.nanoTime() < until) { // three players reloading every half second, a 4th trying to join
            for (String from : first) {
                BoundHttp.Response r = BoundHttp.get(from, server.httpPort(), playlist);
                assertEquals(200, r.status(), from + " keeps fetching: " + r.text());
                String seg = lastSegment(r.text());
                assertEquals(200, BoundHttp.get(from, server.httpPort(), "/hls/live/cap/" + seg).status());
            }
            BoundHttp.Response fourth = BoundHttp.get("127.0.0.5", server.httpPort(), playlist);
            assertEquals(429, fourth.status(), fourth.text());
            assertNotNull(fourth.header("Retry-After"));
            refusedSeen = true;
            Thread.sleep(500);
        }
        assertTrue(refusedSeen);
        // the three stop fetching: their sessions end and the 4th gets in
        Await.until("the 4th HLS client to be admitted", Duration.ofSeconds(10),
                () -> hlsStatus("127.0.0.5", playlist) == 200);
    }

    private static int hlsStatus(String from, String path) {
        try {
            return BoundHttp.get(from, server.httpPort(), path).status();
        } catch (java.io.IOException e) {
            return -1;
        }
    }

    private static String lastSegment(String m3u8) {
        String last = null;
        for (String l : m3u8.split("\n")) {
            if (!l.isBlank() && !l.startsWith("#")) {
                last = l.trim();
            }
        }
        assertNotNull(last, m3u8);
        return last;
    }

    @Test
    void loweringTheCapWithEnforceOnReconfigureClosesTheNewestViewers() throws Exception {
        List<FlvViewerClient> viewers = new ArrayList<>();
        Path config = server.configFile();
        try {
            int[] st = new int[1];
            for (int i = 2; i <= 4; i++) {
                viewers.add(FlvViewerClient.open("127.0.0." + i, server.httpPort(), "/live/cap.flv", st));
                assertNotNull(viewers.get(viewers.size() - 1), "viewer " + i + ": " + st[0]);
            }
            Files.writeString(config, CONFIG.replace("perStream: 3", "perStream: 1")
                    .replace("hlsViewerIdleMs: 3000\n", "hlsViewerIdleMs: 3000\n    enforceOnReconfigure: true\n"));
            Await.until("the two newest viewers to be closed", Duration.ofSeconds(10),
                    () -> viewers.get(0).alive() && !viewers.get(1).alive() && !viewers.get(2).alive());
        } finally {
            Files.writeString(config, CONFIG);
            for (FlvViewerClient v : viewers) {
                if (v != null) {
                    v.close();
                }
            }
        }
        Await.until("the cap of 3 again", Duration.ofSeconds(10), () -> {
            try {
                return server.get("/api/ratelimit").body().contains("\"perStream\":3");
            } catch (Exception e) {
                return false;
            }
        });
    }

    @Test
    void aSecondPublishFromTheSameAddressIsRefusedWithTheReason() throws Exception {
        Ffmpeg.Result second = Ffmpeg.run(20, Ffmpeg.ffmpeg(), "-re", "-i", TestMedia.h264Aac(10, 500).toString(),
                "-c", "copy", "-t", "3", "-f", "flv", server.rtmp("/live/other"));
        assertTrue(second.exitCode() != 0, "the second publisher was refused");
        assertTrue(second.stderr().contains("publishers.perIp"), "ffmpeg shows the reason: " + second.stderr());
        assertEquals(404, status("/api/streams/live/other"));
        assertTrue(publisher.isAlive(), "the first publisher is untouched");
        assertTrue(server.get("/metrics").body().contains("rule=\"publishers.perIp\""));
        assertFalse(server.get("/api/ratelimit").body().contains("\"publishers.perIp\":0"), "its slot is held");
    }
}
