package io.osprey.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.osprey.testkit.Await;
import io.osprey.testkit.Ffmpeg;
import io.osprey.testkit.FreePorts;
import io.osprey.testkit.Probe;
import io.osprey.testkit.TestMedia;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The auth plugin's HTTP callbacks against a tiny receiver in the test: on_publish/on_play decide (a refusal
 * refuses ffmpeg), the done notifications carry stream, client, protocol, duration and bytes (recordings: path,
 * URL, size); a receiver that hangs past timeoutMs denies, or allows with failOpen; a receiver that is down is
 * retried until it is up.
 */
class AuthHooksIT {

    private final ConcurrentLinkedQueue<String> received = new ConcurrentLinkedQueue<>();
    private final ExecutorService pool = Executors.newFixedThreadPool(8);
    private HttpServer receiver;
    private String base;

    @BeforeEach
    void startReceiver() throws IOException {
        receiver = receiver(0);
        base = "http://127.0.0.1:" + receiver.getAddress().getPort();
    }

    private HttpServer receiver(int port) throws IOException {
        HttpServer h = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
        h.setExecutor(pool);
        h.createContext("/hook", x -> {
            String body = new String(x.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            received.add(body);
            answer(x, body.contains("\"stream\":\"deny\"") ? 403 : 200);
        });
        h.createContext("/hang", x -> {
            try {
                Thread.sleep(3000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            answer(x, 200);
        });
        h.start();
        return h;
    }

    private static void answer(HttpExchange x, int status) throws IOException {
        x.sendResponseHeaders(status, -1);
        x.close();
    }

    @AfterEach
    void stopReceiver() {
        receiver.stop(0);
        pool.shutdownNow();
    }

    private Optional<String> find(String action, String stream) {
        return received.stream().filter(b -> b.contains("\"action\":\"" + action + "\"")
                && b.contains("\"stream\":\"" + stream + "\"")).findFirst();
    }

    private String await(String action, String stream) {
        Await.until(action + " for " + stream, Duration.ofSeconds(20), () -> find(action, stream).isPresent());
        return find(action, stream).orElseThrow();
    }

    private static long number(String json, String field) {
        Matcher m = Pattern.compile("\"" + field + "\":(\\d+)").matcher(json);
        assertTrue(m.find(), field + " in " + json);
        return Long.parseLong(m.group(1));
    }

    @Test
    void theReceiverSeesEveryCallbackWithItsFieldsAndARefusalRefuses() throws Exception {
        String hooks = "plugins:\n  auth:\n    hooks:\n";
        for (String h : List.of("onPublish", "onPlay", "onPublishDone", "onPlayDone", "onRecordDone")) {
            hooks += "      " + h + ": " + base + "/hook\n";
        }
        hooks += "      cacheMs: 0\n  hls:\n    accessCacheMs: 1000\n";
        try (InProcessServer s = new InProcessServer("bus:\n  reconnectGraceMs: 300\n" + hooks)) {
            Path logs = Files.createTempDirectory("hooks-it");
            Process p = Ffmpeg.start(logs.resolve("pub.log"), "-re", "-i", TestMedia.h264Aac(10, 500).toString(),
                    "-c", "copy", "-f", "flv", s.rtmp("/live/hooked?token=abc"));
            String onPublish = await("on_publish", "hooked");
            for (String f : List.of("\"app\":\"live\"", "\"protocol\":\"rtmp\"", "\"client\":\"127.0.0.1\"",
                    "\"token\":\"abc\"")) {
                assertTrue(onPublish.contains(f), f + " in " + onPublish);
            }
            Probe.probe(s.url("/live/hooked.flv"));
            assertTrue(await("on_play", "hooked").contains("\"protocol\":\"httpflv\""));
            String playDone = await("on_play_done", "hooked");
            assertTrue(number(playDone, "bytes") > 1000 && playDone.contains("\"client\":\"127.0.0.1\""), playDone);
            Await.until("an HLS segment", Duration.ofSeconds(10), () -> {
                try {
                    return s.get("/hls/live/hooked/index.m3u8").body().contains("#EXTINF");
                } catch (Exception e) {
                    return false;
                }
            });
            received.clear();
            Probe.probe(s.url("/hls/live/hooked/index.m3u8"));
            assertTrue(await("on_play", "hooked").contains("\"protocol\":\"hls\""));
            String hlsDone = await("on_play_done", "hooked");
            assertTrue(hlsDone.contains("\"protocol\":\"hls\"") && number(hlsDone, "bytes") > 1000, hlsDone);

            Process denied = Ffmpeg.start(logs.resolve("deny.log"), "-re", "-i", TestMedia.h264Aac(4, 500)
                    .toString(), "-c", "copy", "-f", "flv", s.rtmp("/live/deny"));
            assertTrue(denied.waitFor(20, TimeUnit.SECONDS));
            assertNotEquals(0, denied.exitValue(), "the receiver's 403 refuses the publisher");
            assertTrue(Files.readString(logs.resolve("deny.log")).contains("on_publish callback refused (403)"));

            assertTrue(p.waitFor(30, TimeUnit.SECONDS));
            String publishDone = await("on_publish_done", "hooked");
            assertTrue(number(publishDone, "bytes") > 100_000, publishDone);
            assertTrue(number(publishDone, "durationMs") >= 2500, publishDone);
            String recordDone = await("on_record_done", "hooked");
            assertTrue(recordDone.contains("\"path\":\"mp4/live/hooked/") && recordDone.contains(
                    "\"url\":\"/mp4/live/hooked/"), recordDone);
            assertTrue(number(recordDone, "bytes") > 100_000 && number(recordDone, "durationMs") >= 3000, recordDone);
        }
    }

    @Test
    void aHangingReceiverDeniesAfterTheTimeoutOrAllowsWithFailOpen() throws Exception {
        String config = "plugins:\n  auth:\n    hooks:\n      onPlay: " + base + "/hang\n      timeoutMs: 300\n"
                + "      cacheMs: 0\n";
        try (InProcessServer s = new InProcessServer(config)) {
            long t0 = System.nanoTime();
            assertEquals(403, s.flvStatus("/live/none.flv"), "denied when the callback times out");
            assertTrue(System.nanoTime() - t0 < 2_500_000_000L, "long before the receiver answers");
            Files.writeString(s.configFile(), config + "      failOpen: true\n");
            // allowed: past auth, the stream is simply not live
            Await.until("fail open", Duration.ofSeconds(10), () -> s.flvStatus("/live/none.flv") == 404);
            assertTrue(s.get("/metrics").body().contains("osprey_auth_hook_failures_total{hook=\"on_play\"}"));
        }
    }

    @Test
    void aNotificationToAReceiverThatIsDownIsRetriedUntilItIsUp() throws Exception {
        int port = FreePorts.next();
        String config = "bus:\n  reconnectGraceMs: 300\nplugins:\n  auth:\n    hooks:\n      onPublishDone: "
                + "http://127.0.0.1:" + port + "/hook\n      retries: 5\n";
        HttpServer late = null;
        try (InProcessServer s = new InProcessServer(config)) {
            Process p = Ffmpeg.start(null, "-i", TestMedia.h264Aac(4, 500).toString(), "-c", "copy", "-f", "flv",
                    s.rtmp("/live/retried"));
            assertTrue(p.waitFor(30, TimeUnit.SECONDS));
            Await.until("a failed attempt", Duration.ofSeconds(10), () -> {
                try {
                    return s.get("/metrics").body().contains(
                            "osprey_auth_hook_failures_total{hook=\"on_publish_done\"} 1.0");
                } catch (Exception e) {
                    return false;
                }
            });
            assertTrue(find("on_publish_done", "retried").isEmpty());
            late = receiver(port);
            assertTrue(number(await("on_publish_done", "retried"), "bytes") > 0);
        } finally {
            if (late != null) {
                late.stop(0);
            }
        }
    }
}
