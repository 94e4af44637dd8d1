package io.osprey.plugin.hls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.osprey.spi.Registration;
import io.osprey.spi.bus.DemandRequest;
import io.osprey.spi.bus.StreamKey;
import io.osprey.spi.bus.StreamProvider;
import io.osprey.testkit.Await;
import io.osprey.testkit.Clip;
import io.osprey.testkit.ClipPublisher;
import io.osprey.testkit.TestServer;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.Test;

/**
 * {@code /hls/{app}/{stream}/master.m3u8} (RFC 8216 4.3.4.2): one variant for a stream without renditions; the
 * renditions a provider offers through {@code MediaBus.variants} when they start, and not those that fail.
 */
class MasterPlaylistTest {

    @Test
    void theSourceAloneOrWithTheRenditionsThatStarted() throws Exception {
        Clip clip = Clip.h264Aac(4);
        StreamKey cam = new StreamKey("live", "cam");
        StreamKey lo = new StreamKey("live", "cam_lo");
        StreamKey broken = new StreamKey("live", "cam_broken");
        try (TestServer server = TestServer.start("plugins.hls.startTimeoutMs=3000");
             ClipPublisher source = ClipPublisher.frames(server.kernel().bus(), cam, clip, 20_000)) {
            Await.until("the source is live", Duration.ofSeconds(10),
                    () -> server.kernel().bus().stream(cam).isPresent());
            HttpResponse<String> one = server.get("/hls/live/cam/master.m3u8?token=abc");
            assertEquals(200, one.statusCode(), one.body());
            List<String> lines = one.body().lines().toList();
            assertEquals("#EXTM3U", lines.get(0));
            assertEquals(1, lines.stream().filter(l -> l.startsWith("#EXT-X-STREAM-INF:")).count(), one.body());
            String inf = lines.stream().filter(l -> l.startsWith("#EXT-X-STREAM-INF:")).findFirst().orElseThrow();
            assertTrue(inf.matches("#EXT-X-STREAM-INF:BANDWIDTH=\\d+.*,CODECS=\"avc1\\.[0-9a-f]{6},mp4a\\.40\\.2\""
                    + ",RESOLUTION=640x360,FRAME-RATE=25\\.000"), inf);
            assertEquals("index.m3u8?token=abc", lines.get(lines.indexOf(inf) + 1), "the query is carried");
            assertEquals(404, server.get("/hls/live/nope/master.m3u8").statusCode());

            Registration provider = server.kernel().bus().provide(new StreamProvider() {
                @Override
                public CompletionStage<?> provide(StreamKey key, DemandRequest request) {
                    if (key.equals(lo)) {
                        try {
                            ClipPublisher.frames(server.kernel().bus(), lo, clip, 20_000); // ends with the clip
                        } catch (Exception e) {
                            return CompletableFuture.failedFuture(e);
                        }
                        return new CompletableFuture<>();
                    }
                    return key.equals(broken) ? CompletableFuture.failedFuture(new IllegalStateException("refused"))
                            : null;
                }

                @Override
                public List<StreamKey> variants(StreamKey s) {
                    return s.equals(cam) ? List.of(lo, broken) : List.of();
                }
            });
            HttpResponse<String> two = server.get("/hls/live/cam/master.m3u8");
            assertEquals(200, two.statusCode(), two.body());
            List<String> uris = two.body().lines().filter(l -> !l.startsWith("#")).toList();
            assertEquals(List.of("index.m3u8", "../cam_lo/index.m3u8"), uris, "the refused rendition is left out");
            assertEquals(2, two.body().lines().filter(l -> l.matches("#EXT-X-STREAM-INF:BANDWIDTH=\\d+,.*"
                    + "RESOLUTION=640x360.*")).count(), two.body());
            provider.close();
        }
    }
}
