package io.osprey.plugin.httpflv;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.osprey.spi.bus.StreamKey;
import io.osprey.testkit.Await;
import io.osprey.testkit.ClipPublisher;
import io.osprey.testkit.TestMedia;
import io.osprey.testkit.TestServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * The FLV recordings are httpflv's own: listed in {@code /api/recordings} from {@code record.dir} (not a
 * hard-coded folder), open while written, and served under {@code /flv/...} with one byte range; links out of the
 * folder and dot segments are refused.
 */
class FlvFilesTest {

    private final HttpClient http = HttpClient.newHttpClient();

    private HttpResponse<byte[]> get(String url, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url));
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    @Test
    void listedAndServedFromRecordDirWithRanges() throws Exception {
        try (TestServer server = TestServer.start("plugins.httpflv.record.enabled=true",
                "plugins.httpflv.record.dir=recs/flv")) {
            Path clip = TestMedia.h264Aac(10, 500);
            Path dir = Files.createDirectories(server.home().resolve("data/recs/flv/live/e2e"));
            Files.copy(clip, dir.resolve("20250101_120000.flv"));
            byte[] whole = Files.readAllBytes(clip);

            HttpResponse<byte[]> r = get(server.http("/flv/live/e2e/20250101_120000.flv"), "Range", "bytes=0-2");
            assertEquals(206, r.statusCode());
            assertEquals("video/x-flv", r.headers().firstValue("Content-Type").orElse(""));
            assertEquals("FLV", new String(r.body(), StandardCharsets.US_ASCII));
            HttpResponse<byte[]> tail = get(server.http("/flv/live/e2e/20250101_120000.flv"), "Range", "bytes=-100");
            assertEquals(206, tail.statusCode());
            assertArrayEquals(Arrays.copyOfRange(whole, whole.length - 100, whole.length), tail.body());
            assertEquals("bytes */" + whole.length, get(server.http("/flv/live/e2e/20250101_120000.flv"), "Range",
                    "bytes=" + whole.length + "-").headers().firstValue("Content-Range").orElse(""));
            HttpResponse<byte[]> all = get(server.http("/flv/live/e2e/20250101_120000.flv"), "Range", "bytes=0-1,5-9");
            assertEquals(200, all.statusCode(), "several ranges: the whole file");
            assertArrayEquals(whole, all.body());

            Files.createSymbolicLink(dir.resolve("20250101_130000.flv"), clip);
            assertEquals(404, get(server.http("/flv/live/e2e/20250101_130000.flv")).statusCode(), "link out refused");
            assertEquals(404, get(server.http("/flv/live/../e2e/20250101_120000.flv")).statusCode());
            assertEquals(404, get(server.http("/flv/live/e2e/x.mp4")).statusCode());

            String list = server.get("/api/recordings").body();
            assertTrue(list.contains("\"/flv/live/e2e/20250101_120000.flv\""), list);
            assertTrue(list.matches("(?s).*\"type\": \"flv\".*\"duration\": 9\\.9\\d*.*"), list);
            assertTrue(!list.contains("20250101_130000"), "a link is not a recording: " + list);

            // a stream being recorded is listed as open
            ClipPublisher p = ClipPublisher.start(server.kernel().bus(), new StreamKey("live", "now"), clip);
            try {
                Await.until("live/now listed as recording", Duration.ofSeconds(10), () -> {
                    try {
                        String l = server.get("/api/recordings?stream=live/now").body();
                        return l.contains("\"state\": \"recording\"") && l.contains("\"open\": true");
                    } catch (Exception e) {
                        return false;
                    }
                });
            } finally {
                p.close();
            }
            Await.until("live/now finished", Duration.ofSeconds(10), () -> {
                try {
                    return server.get("/api/recordings?stream=live/now").body().contains("\"state\": \"file\"");
                } catch (Exception e) {
                    return false;
                }
            });
        }
    }
}
