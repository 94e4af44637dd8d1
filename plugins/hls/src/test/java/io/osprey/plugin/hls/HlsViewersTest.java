package io.osprey.plugin.hls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.osprey.spi.bus.StreamKey;
import io.osprey.testkit.Await;
import io.osprey.testkit.Clip;
import io.osprey.testkit.ClipPublisher;
import io.osprey.testkit.Ffmpeg;
import io.osprey.testkit.TestServer;
import java.net.InetAddress;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** HLS clients count as viewers: per address and carried query, within a window of target durations. */
class HlsViewersTest {

    @Test
    void aClientCountsWhileItPollsWithinTheWindow() throws Exception {
        HlsViewers v = new HlsViewers();
        InetAddress a = InetAddress.getByName("127.0.0.1");
        InetAddress b = InetAddress.getByName("127.0.0.2");
        long window = 6_000_000_000L;
        v.seen(a, null, 0);
        v.seen(a, null, 1_000_000_000L); // the same client polling again
        v.seen(a, "token=x", 1_000_000_000L); // another player behind the same address
        v.seen(b, null, 2_000_000_000L);
        v.seen(null, null, 2_000_000_000L); // no address: not counted
        assertEquals(3, v.count(2_000_000_000L, window));
        assertEquals(1, v.count(7_500_000_000L, window), "a and a+token last seen at 1 s, gone after 7 s");
        v.seen(a, null, 7_900_000_000L);
        assertEquals(2, v.count(7_900_000_000L, window), "a returning counts again, b (2 s) still in");
        assertEquals(1, v.count(8_000_000_000L, window), "b leaves the window at 8 s exactly");
        v.clear();
        assertEquals(0, v.count(7_900_000_000L, window));
    }

    @Test
    void tableIsBounded() throws Exception {
        HlsViewers v = new HlsViewers();
        InetAddress a = InetAddress.getByName("127.0.0.1");
        for (int i = 0; i < HlsViewers.MAX + 10; i++) {
            v.seen(a, "t=" + i, 0);
        }
        assertEquals(HlsViewers.MAX, v.count(0, 1));
    }

    /** ffmpeg reading the live playlist and two token-carrying pollers show as three hls viewers, then none. */
    @Test
    void playersShowInStreamsApiAndMetrics() throws Exception {
        Clip clip = Clip.h264Aac(4);
        try (TestServer server = TestServer.start()) {
            StreamKey key = new StreamKey("live", "counted");
            String url = "/hls/live/counted/index.m3u8";
            try (ClipPublisher p = ClipPublisher.frames(server.kernel().bus(), key, clip, 30_000)) {
                Await.until("a playlist with a segment", Duration.ofSeconds(15),
                        () -> body(server, url).contains("#EXTINF"));
                CompletableFuture<Ffmpeg.Result> player = CompletableFuture.supplyAsync(() -> {
                    try {
                        return Ffmpeg.run(60, Ffmpeg.ffmpeg(), "-hide_banner", "-nostdin", "-v", "error",
                                "-i", server.http(url), "-t", "6", "-c", "copy", "-f", "null", "-");
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                });
                assertEquals(200, server.get(url + "?token=a").statusCode());
                assertEquals(200, server.get(url + "?token=b").statusCode());
                Await.until("three hls viewers in /api/streams", Duration.ofSeconds(15), 
                        () -> body(server, "/api/streams/live/counted").replace(" ", "").contains("\"hls\":3"));
                String metrics = server.get("/metrics").body();
                assertTrue(metrics.contains("osprey_viewers{protocol=\"hls\"} 3.0")
                        || metrics.contains("osprey_viewers{protocol=\"hls\"} 3"), metrics);
                assertTrue(server.get("/api/streams/live/counted").body().replace(" ", "")
                        .contains("\"viewersTotal\":3"));
                Ffmpeg.Result read = player.get();
                assertEquals(0, read.exitCode(), read.stderr());
            }
            Await.until("no stream, no hls viewers in /metrics", Duration.ofSeconds(10),
                    () -> {
                        String m = body(server, "/metrics");
                        return m.contains("osprey_streams 0") && !m.contains("osprey_viewers{protocol=\"hls\"}");
                    });
        }
    }

    /** The body of a 200 answer to {@code path}, else "" (also on failure): for polling. */
    static String body(TestServer server, String path) {
        try {
            var r = server.get(path);
            return r.statusCode() == 200 ? r.body() : "";
        } catch (Exception e) {
            return "";
        }
    }
}
