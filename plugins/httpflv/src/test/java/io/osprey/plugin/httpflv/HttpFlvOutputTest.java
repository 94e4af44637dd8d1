package io.osprey.plugin.httpflv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.osprey.spi.bus.StreamKey;
import io.osprey.testkit.Await;
import io.osprey.testkit.ClipPublisher;
import io.osprey.testkit.Probe;
import io.osprey.testkit.TestMedia;
import io.osprey.testkit.TestServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** HTTP-FLV and WebSocket-FLV of a live stream, against a real embedded server and real clients. */
class HttpFlvOutputTest {

    static TestServer server;
    static ClipPublisher publisher;
    static final StreamKey KEY = new StreamKey("live", "out");

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.start();
        publisher = ClipPublisher.start(server.kernel().bus(), KEY, TestMedia.h264Aac(10, 1000));
        Thread.sleep(1500); // a GOP in the cache
    }

    @AfterAll
    static void stop() throws Exception {
        if (publisher != null) {
            publisher.close();
        }
        if (server != null) {
            server.close();
        }
    }

    @Test
    void ffprobeReadsBothTracks() throws Exception {
        Probe.Result r = Probe.probe(server.http("/live/out.flv"));
        assertEquals("h264", r.video().codec(), r.raw());
        assertEquals(640, r.video().width());
        assertEquals("aac", r.audio().codec());
        assertEquals(44100, r.audio().sampleRate());
    }

    @Test
    void firstVideoTagIsAKeyFrameAndArrivesWithin100ms() throws Exception {
        List<Double> millis = new ArrayList<>();
        for (int i = 0; i < 15; i++) {
            try (FlvClient c = new FlvClient(server.httpPort(), "/live/out.flv")) {
                Await.until("a video tag", Duration.ofSeconds(10), () -> c.firstVideoNanos != 0);
                assertEquals(Boolean.TRUE, c.firstVideoKey, "the first video tag is a key frame");
                millis.add(c.firstVideoMillis());
            }
        }
        double[] sorted = millis.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        double median = sorted[sorted.length / 2];
        System.out.printf("connect -> first video tag: median %.1f ms, min %.1f, max %.1f (%s)%n", median, sorted[0],
                sorted[sorted.length - 1], Arrays.toString(sorted));
        assertTrue(median < 100, "median connect -> first video tag " + median + " ms");
    }

    @Test
    void audioOnlyAndVideoOnlyVariants() throws Exception {
        try (FlvClient a = new FlvClient(server.httpPort(), "/live/out.flv?video=0");
             FlvClient v = new FlvClient(server.httpPort(), "/live/out.flv?audio=0")) {
            Await.until("audio and video tags", Duration.ofSeconds(10), () -> a.audioTags > 20 && v.videoTags > 20);
            assertEquals(0, a.videoTags);
            assertEquals(0, v.audioTags);
            assertEquals(Boolean.TRUE, v.firstVideoKey);
        }
        Probe.Result r = Probe.probe(server.http("/live/out.flv?video=0"));
        assertNull(r.video(), r.raw());
        assertEquals("aac", r.audio().codec());
    }

    @Test
    void unknownStreamIs404AtOnceAndCorsIsSent() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        long t0 = System.nanoTime();
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(server.http("/live/nothing.flv")))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(404, r.statusCode());
        assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(2));
        try (FlvClient c = new FlvClient(server.httpPort(), "/live/out.flv")) {
            Await.until("headers", Duration.ofSeconds(5), () -> c.status != 0);
            assertEquals(200, c.status);
            assertTrue(c.headers.contains("Access-Control-Allow-Origin: *"), c.headers);
            assertTrue(c.headers.contains("Content-Type: video/x-flv"), c.headers);
        }
        HttpResponse<Void> pre = http.send(HttpRequest.newBuilder(URI.create(server.http("/live/out.flv")))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody()).header("Origin", "http://player.example")
                .header("Access-Control-Request-Method", "GET").build(), HttpResponse.BodyHandlers.discarding());
        assertEquals(204, pre.statusCode());
        assertEquals("*", pre.headers().firstValue("Access-Control-Allow-Origin").orElse(null));
        assertEquals(400, http.send(HttpRequest.newBuilder(URI.create(server.http("/live/out.flv?audio=0&video=0")))
                .build(), HttpResponse.BodyHandlers.discarding()).statusCode());
    }

    @Test
    void webSocketFlvCarriesTheSameStreamAndCountsAsItsOwnProtocol() throws Exception {
        Collector ws = new Collector();
        WebSocket socket = HttpClient.newHttpClient().newWebSocketBuilder()
                .buildAsync(URI.create("ws://127.0.0.1:" + server.httpPort() + "/live/out.flv"), ws).get(5, TimeUnit.SECONDS);
        try (FlvClient http = new FlvClient(server.httpPort(), "/live/out.flv")) {
            Await.until("WS-FLV tags", Duration.ofSeconds(10), () -> ws.parsed().videoTags > 30);
            FlvClient.Parsed p = ws.parsed();
            assertTrue(p.header, "starts with the FLV header");
            assertEquals(Boolean.TRUE, p.firstVideoKey);
            assertTrue(p.audioTags > 10);
            String streams = server.get("/api/streams/live/out").body();
            assertTrue(streams.contains("\"ws-flv\" : 1"), streams);
            assertTrue(streams.contains("\"httpflv\" : 1"), streams);
            String metrics = server.get("/metrics").body();
            assertTrue(metrics.contains("osprey_httpflv_viewers{protocol=\"ws-flv\"} 1"), metrics);
            assertTrue(metrics.contains("osprey_httpflv_bytes_out_total{protocol=\"ws-flv\"}"), metrics);
        }
        socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(5, TimeUnit.SECONDS);
        Await.until("the WS viewer to be gone", Duration.ofSeconds(5),
                () -> !get("/api/streams/live/out").contains("ws-flv\" : 1"));

        int status = HttpClient.newHttpClient().newWebSocketBuilder()
                .buildAsync(URI.create("ws://127.0.0.1:" + server.httpPort() + "/live/none.flv"), new Collector())
                .handle((w, t) -> t == null ? 101 : t.getCause() instanceof java.net.http.WebSocketHandshakeException h
                        ? h.getResponse().statusCode() : -1).get(5, TimeUnit.SECONDS);
        assertEquals(404, status);
    }

    static String get(String path) {
        try {
            return server.get(path).body();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Collects binary WS messages and parses them as FLV. */
    static final class Collector implements WebSocket.Listener {
        final java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        final CompletableFuture<Integer> closed = new CompletableFuture<>();

        @Override
        public synchronized CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
            byte[] b = new byte[data.remaining()];
            data.get(b);
            bytes.write(b, 0, b.length);
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closed.complete(statusCode);
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            closed.completeExceptionally(error);
        }

        synchronized FlvClient.Parsed parsed() {
            return FlvClient.parse(bytes.toByteArray());
        }
    }

    @Test
    void endOfStreamEndsHttpWithTheLastChunkAndWebSocketWith1000() throws Exception {
        StreamKey key = new StreamKey("live", "ending");
        ClipPublisher p = ClipPublisher.start(server.kernel().bus(), key, TestMedia.h264Aac(10, 1000));
        Thread.sleep(500);
        Collector ws = new Collector();
        HttpClient.newHttpClient().newWebSocketBuilder()
                .buildAsync(URI.create("ws://127.0.0.1:" + server.httpPort() + "/live/ending.flv"), ws)
                .get(5, TimeUnit.SECONDS);
        try (FlvClient c = new FlvClient(server.httpPort(), "/live/ending.flv")) {
            Await.until("tags", Duration.ofSeconds(10), () -> c.videoTags > 5 && ws.parsed().videoTags > 5);
            p.close();
            Await.until("the response to end", Duration.ofSeconds(10), () -> c.ended);
            assertTrue(c.cleanEnd, "ended with the last chunk, failure: " + c.failure);
            assertNull(c.failure);
            assertEquals(1000, ws.closed.get(10, TimeUnit.SECONDS));
            assertFalse(server.kernel().bus().stream(key).isPresent());
        }
        assertNotNull(publisher);
    }
}
