package io.osprey.plugin.rtmp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.osprey.media.flv.FlvTag;
import io.osprey.testkit.Await;
import io.osprey.testkit.Ffmpeg;
import io.osprey.testkit.TestMedia;
import io.osprey.testkit.TestServer;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Publishing policies over real sockets: busy keys (reject, and takeover on a second server), the reconnect grace,
 * handshake / first-packet / idle-publisher timeouts, connection caps per address and in all, the stream-name
 * grammar, and the access hook, for RTMP and HTTP-FLV push alike. Every refusal closes with a logged reason.
 */
class PolicyTest {

    private static final Duration CLOSE = Duration.ofSeconds(10);
    private static SharedServer s;
    private static List<FlvTag> tags;
    private static Path logs;

    @BeforeAll
    static void start() throws Exception {
        s = SharedServer.get();
        tags = RtmpTestClient.tags(TestMedia.h264Aac(10, 500));
        logs = Files.createTempDirectory("rtmp-policy-logs");
    }

    private static RtmpTestClient publisher(TestServer server, String name) throws Exception {
        RtmpTestClient c = RtmpTestClient.open(server.rtmpPort()).handshake();
        c.connect("live");
        assertEquals("NetStream.Publish.Start", c.publish(name));
        return c;
    }

    private static void assertClosedWith(RtmpTestClient c, String reasonPart) throws InterruptedException {
        assertTrue(c.awaitClosed(CLOSE), "the server closed the connection");
        String reason = s.log.closeReason(c.logMark, c.who(), CLOSE);
        assertNotNull(reason, "a close reason was logged for " + c.who());
        assertTrue(reason.contains(reasonPart), "reason '" + reason + "' mentions '" + reasonPart + "'");
    }

    @Test
    void aSecondPublisherOnALiveKeyIsRejectedWithBadName() throws Exception {
        try (RtmpTestClient first = publisher(s.server, "busy"); AutoCloseable loop = first.loop(tags);
             RtmpTestClient second = RtmpTestClient.open(s.server.rtmpPort()).handshake()) {
            second.connect("live");
            assertEquals("NetStream.Publish.BadName", second.publish("busy"));
            assertClosedWith(second, "refused (busy)");
            HttpResponse<String> push = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create(s.server.http("/live/busy"))).POST(HttpRequest.BodyPublishers.ofByteArray(
                    io.osprey.media.flv.FlvHeader.bytes(true, true))).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(409, push.statusCode(), push.body());
            assertTrue(!first.isClosed(), "the first publisher keeps its stream");
        }
    }

    @Test
    void concurrentPublishersOfOneKeyExactlyOneWins() throws Exception {
        int n = 6;
        ExecutorService pool = Executors.newFixedThreadPool(n);
        List<RtmpTestClient> clients = new ArrayList<>();
        try {
            for (int i = 0; i < n; i++) {
                RtmpTestClient c = RtmpTestClient.open(s.server.rtmpPort()).handshake();
                c.connect("live");
                clients.add(c);
            }
            CountDownLatch go = new CountDownLatch(1);
            List<Future<String>> codes = new ArrayList<>();
            for (RtmpTestClient c : clients) {
                codes.add(pool.submit(() -> {
                    go.await();
                    return c.publish("race");
                }));
            }
            go.countDown();
            int started = 0;
            int badName = 0;
            for (Future<String> f : codes) {
                String code = f.get();
                started += "NetStream.Publish.Start".equals(code) ? 1 : 0;
                badName += "NetStream.Publish.BadName".equals(code) ? 1 : 0;
            }
            assertEquals(1, started, "exactly one publisher wins");
            assertEquals(n - 1, badName, "the others are told BadName");
        } finally {
            pool.shutdownNow();
            clients.forEach(RtmpTestClient::close);
        }
    }

    @Test
    void takeoverPolicyReplacesTheFirstPublisherAndAGlobalCapRefusesConnections() throws Exception {
        try (TestServer t = TestServer.start("plugins.rtmp-ingest.busyPolicy=takeover",
                "plugins.rtmp-ingest.maxConnections=4")) {
            LogCapture.get();
            try (RtmpTestClient first = publisher(t, "take"); AutoCloseable l1 = first.loop(tags);
                 RtmpTestClient second = publisher(t, "take"); AutoCloseable l2 = second.loop(tags)) {
                assertClosedWith(first, "evicted");
                assertTrue(!second.isClosed());
                // the evicted one freed its slot: the second and three more reach the cap of 4, a fifth is refused
                List<RtmpTestClient> extra = new ArrayList<>();
                try {
                    for (int i = 0; i < 4; i++) {
                        extra.add(RtmpTestClient.open(t.rtmpPort()).startRawReader());
                    }
                    // connections are counted as their selector opens them, and with a selector per core that
                    // order need not be the connect order: whichever comes fifth is the one refused
                    Await.until("one connection over the cap refused", CLOSE,
                            () -> extra.stream().anyMatch(RtmpTestClient::isClosed));
                    RtmpTestClient refused = extra.stream().filter(RtmpTestClient::isClosed).findFirst().orElseThrow();
                    assertClosedWith(refused, "too many connections (4)");
                    assertEquals(1, extra.stream().filter(RtmpTestClient::isClosed).count(),
                            "those under the cap stay");
                } finally {
                    extra.forEach(RtmpTestClient::close);
                }
            }
        }
    }

    @Test
    void aPublisherThatDropsAndReturnsWithinTheGraceContinuesTheStreamForItsViewers() throws Exception {
        Path clip = TestMedia.h264Aac(10, 500);
        Process a = Ffmpeg.start(logs.resolve("grace-a.log"), "-re", "-stream_loop", "-1", "-i", clip.toString(),
                "-c", "copy", "-f", "flv", s.server.rtmp("/live/grace"));
        Process b = null;
        try (RtmpTestClient viewer = RtmpTestClient.open(s.server.rtmpPort()).handshake()) {
            Await.until("live/grace", Duration.ofSeconds(20),
                    () -> SharedServer.status(s.server, "/api/streams/live/grace") == 200);
            viewer.connect("live");
            assertEquals("NetStream.Play.Start", viewer.play("grace"));
            Await.until("frames", Duration.ofSeconds(10), () -> viewer.mediaMessages() > 25);
            a.destroyForcibly().waitFor(); // kill -9: no FCUnpublish, no FIN from the application
            b = Ffmpeg.start(logs.resolve("grace-b.log"), "-re", "-stream_loop", "-1", "-i", clip.toString(),
                    "-c", "copy", "-f", "flv", s.server.rtmp("/live/grace"));
            assertTrue(s.log.await(Duration.ofSeconds(15), "publishing live/grace") != null);
            long before = viewer.mediaMessages();
            Await.until("frames from the second publisher", Duration.ofSeconds(15),
                    () -> viewer.mediaMessages() > before + 50);
            assertTrue(!viewer.isClosed(), "the viewer stayed connected: " + viewer.closeCause());
            String stream = s.server.get("/api/streams/live/grace").body();
            assertTrue(stream.contains("\"publishes\" : 2"), "one stream, two publish sessions: " + stream);
        } finally {
            a.destroyForcibly();
            Ffmpeg.stop(b);
        }
    }

    @Test
    void handshakeTimeoutClosesAStalledHandshake() throws Exception {
        try (RtmpTestClient c0only = RtmpTestClient.open(s.server.rtmpPort()).startRawReader();
             RtmpTestClient silent = RtmpTestClient.open(s.server.rtmpPort()).startRawReader()) {
            c0only.raw(new byte[] {3});
            assertClosedWith(c0only, "handshake not completed within 1500 ms");
            assertClosedWith(silent, "handshake not completed within 1500 ms");
        }
    }

    @Test
    void firstPacketTimeoutClosesAConnectionThatNeverPublishesOrPlays() throws Exception {
        try (RtmpTestClient c = RtmpTestClient.open(s.server.rtmpPort()).handshake()) {
            assertClosedWith(c, "no publish or play within 2000 ms");
        }
    }

    @Test
    void aPublisherThatSendsNoMediaOrOnlyMetadataIsClosed() throws Exception {
        try (RtmpTestClient none = publisher(s.server, "nomedia");
             RtmpTestClient metaOnly = publisher(s.server, "metaonly")) {
            metaOnly.sendTag(tags.get(0), 0); // onMetaData
            metaOnly.flush();
            assertClosedWith(none, "no audio or video within 2000 ms");
            assertClosedWith(metaOnly, "no audio or video within 2000 ms");
        }
    }

    @Test
    void aPublisherThatStopsSendingIsClosedAsIdle() throws Exception {
        try (RtmpTestClient c = publisher(s.server, "stalls")) {
            for (int i = 0; i < 30; i++) {
                c.sendTag(tags.get(i), 0);
            }
            c.flush();
            assertClosedWith(c, "idle publisher");
        }
    }

    @Test
    void connectionsPerAddressAreCapped() throws Exception {
        InetAddress other = InetAddress.getByName("127.0.0.9");
        List<RtmpTestClient> held = new ArrayList<>();
        try {
            // 40 viewers of the background stream from one address: in session, so no timeout closes them
            for (int i = 0; i < 40; i++) {
                RtmpTestClient v = RtmpTestClient.open(other, s.server.rtmpPort(), false);
                held.add(v);
                v.handshake().connect("live");
                assertEquals("NetStream.Play.Start", v.play("bg"));
            }
            try (RtmpTestClient over = RtmpTestClient.open(other, s.server.rtmpPort(), false).startRawReader()) {
                assertClosedWith(over, "too many connections from 127.0.0.9 (40)");
            }
            assertTrue(held.stream().noneMatch(RtmpTestClient::isClosed), "the 40 under the cap stay open");
            // another address is not affected
            try (RtmpTestClient mine = RtmpTestClient.open(s.server.rtmpPort()).handshake()) {
                mine.connect("live");
            }
        } finally {
            held.forEach(RtmpTestClient::close);
        }
        Await.until("slots freed", Duration.ofSeconds(5), () -> {
            try (RtmpTestClient again = RtmpTestClient.open(other, s.server.rtmpPort(), false).handshake()) {
                again.connect("live");
                return true;
            } catch (Exception e) {
                return false;
            }
        });
    }

    @Test
    void streamNamesOutsideTheGrammarAreRefused() throws Exception {
        String[] bad = {"../x", "a/../../etc/passwd", "/abs", "C:\\x", "a\\..\\b", "%2e%2e%2f", "x\u0000y", ".", "..",
            "-lead", "x".repeat(4096), "\u0430pple"};
        for (String name : bad) {
            try (RtmpTestClient c = RtmpTestClient.open(s.server.rtmpPort()).handshake()) {
                c.connect("live");
                assertEquals("NetStream.Publish.BadName", c.publish(name), name);
                assertClosedWith(c, "invalid stream name");
            }
        }
        HttpClient http = HttpClient.newHttpClient();
        for (String path : new String[] {"/live/a..b", "/live/-x", "/live/%2e%2e", "/api/x"}) {
            int code = http.send(HttpRequest.newBuilder(URI.create(s.server.http(path)))
                    .POST(HttpRequest.BodyPublishers.ofString("FLV")).build(), HttpResponse.BodyHandlers.discarding())
                    .statusCode();
            assertTrue(code == 400 || code == 404 || code == 401, path + " → " + code);
        }
        s.assertBackgroundUnaffected();
    }

    @Test
    void theAccessHookDeniesPublishAndPlayOnEveryProtocol() throws Exception {
        try (RtmpTestClient c = RtmpTestClient.open(s.server.rtmpPort()).handshake()) {
            c.connect("live");
            assertEquals("NetStream.Publish.BadAuth", c.publish("denied1"));
            assertClosedWith(c, "without a token");
        }
        try (RtmpTestClient c = RtmpTestClient.open(null, s.rtmpsPort, true).handshake()) {
            c.connect("live");
            assertEquals("NetStream.Publish.BadAuth", c.publish("denied2"));
            assertClosedWith(c, "without a token");
        }
        try (RtmpTestClient c = publisher(s.server, "denied3?token=letmein")) {
            assertTrue(!c.isClosed(), "a token lets it through");
        }
        try (RtmpTestClient c = RtmpTestClient.open(s.server.rtmpPort()).handshake()) {
            c.connect("live");
            assertEquals("NetStream.Play.Failed", c.play("noplay"));
            assertClosedWith(c, "no play of live/noplay");
        }
        HttpResponse<String> push = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(s.server.http("/live/denied4"))).POST(HttpRequest.BodyPublishers.ofString("FLV")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(403, push.statusCode());
        assertTrue(s.log.await(CLOSE, "publish of live/denied4 refused", "without a token") != null);
        // issue 13: the refusal is also in the rate-limited refusal log, with the client and the rule
        assertNotNull(s.log.await(CLOSE, "refused 127.0.0.1: http-flv publish refused 403", "live/denied4"));
    }
}
