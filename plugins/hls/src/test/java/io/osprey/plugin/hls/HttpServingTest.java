package io.osprey.plugin.hls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.osprey.spi.bus.StreamKey;
import io.osprey.testkit.Await;
import io.osprey.testkit.Clip;
import io.osprey.testkit.ClipPublisher;
import io.osprey.testkit.TestServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** HTTP behaviour a CDN and players rely on, the access hook on playlist and segments, and the disk mirror. */
class HttpServingTest {
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    static TestServer server;
    static Clip clip;

    @BeforeAll
    static void start() throws Exception {
        clip = Clip.h264Aac(10);
        server = TestServer.start("plugins.hls.mirror=true", "plugins.hls.window=3", "plugins.hls.accessCacheMs=0");
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    static HttpResponse<String> send(String method, String path, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.http(path))).timeout(Duration.ofSeconds(10))
                .method(method, HttpRequest.BodyPublishers.noBody());
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void cachingCorsValidatorsNotFoundAndAccess() throws Exception {
        Path mirror = server.home().resolve("data/hls/live/web");
        try (ClipPublisher p = ClipPublisher.frames(server.kernel().bus(), new StreamKey("live", "web"), clip, 9_000)) {
            Await.until("three segments", Duration.ofSeconds(20), () -> {
                try {
                    HttpResponse<String> r = send("GET", "/hls/live/web/index.m3u8");
                    return r.statusCode() == 200 && new M3u8(r.body()).segments.size() >= 3;
                } catch (Exception e) {
                    return false;
                }
            });
            HttpResponse<String> pl = send("GET", "/hls/live/web/index.m3u8");
            M3u8 m = new M3u8(pl.body());
            assertEquals("application/vnd.apple.mpegurl", pl.headers().firstValue("content-type").orElse(""));
            assertEquals("public, max-age=1", pl.headers().firstValue("cache-control").orElse(""));
            assertEquals("*", pl.headers().firstValue("access-control-allow-origin").orElse(""));
            String etag = pl.headers().firstValue("etag").orElseThrow();
            HttpResponse<String> again = send("GET", "/hls/live/web/index.m3u8", "If-None-Match", etag);
            assertTrue(again.statusCode() == 304 || !etag.equals(again.headers().firstValue("etag").orElse("")),
                    "304 for an unchanged playlist");
            if (again.statusCode() == 304) {
                assertEquals("", again.body());
            }

            String seg = m.segments.get(m.segments.size() - 1).uri();
            HttpResponse<String> s = send("GET", "/hls/live/web/" + seg);
            assertEquals(200, s.statusCode());
            assertEquals("video/mp2t", s.headers().firstValue("content-type").orElse(""));
            assertEquals("public, max-age=31536000, immutable", s.headers().firstValue("cache-control").orElse(""));
            assertEquals("*", s.headers().firstValue("access-control-allow-origin").orElse(""));
            HttpResponse<String> head = send("HEAD", "/hls/live/web/" + seg);
            assertEquals(200, head.statusCode());
            assertEquals(s.headers().firstValue("content-length"), head.headers().firstValue("content-length"));
            HttpResponse<String> options = send("OPTIONS", "/hls/live/web/index.m3u8");
            assertEquals(204, options.statusCode());
            assertEquals(405, send("POST", "/hls/live/web/index.m3u8").statusCode());

            // 404 at once: unknown stream, names out of the window, temp names, other sids, junk
            String sid = seg.substring(4, seg.lastIndexOf('-'));
            long oldest = m.segments.get(0).msn();
            for (String path : List.of("/hls/live/nope/index.m3u8", "/hls/live/web/seg-" + sid + "-" + (oldest - 1)
                    + ".ts", "/hls/live/web/seg-" + sid + "-999999.ts", "/hls/live/web/" + seg + ".tmp",
                    "/hls/live/web/seg-zz-0.ts", "/hls/live/web/init-" + sid + "-0.mp4", "/hls/live/web/part-" + sid
                    + "-0.ts", "/hls/live/web/", "/hls/live/web/a/b",
                    "/hls/-x/web/index.m3u8", "/hls/live/web/index.m3u8.tmp", "/hls/live/web/seg-" + sid + "-1x.ts")) {
                int status = send("GET", path).statusCode();
                assertTrue(status == 404 || status == 400, path + " -> " + status);
            }

            // the access hook: asked for the playlist and for segments (the decision is not cached here)
            int checks = DenyTokenPlugin.CHECKS.get();
            assertEquals(403, send("GET", "/hls/live/web/index.m3u8?token=deny").statusCode());
            assertEquals(403, send("GET", "/hls/live/web/" + seg + "?token=deny").statusCode());
            assertEquals(200, send("GET", "/hls/live/web/" + seg + "?token=ok").statusCode());
            assertTrue(DenyTokenPlugin.CHECKS.get() >= checks + 3);

            // the query a playlist was fetched with is carried over to every URI it lists (signed URLs)
            String q = "token=ok&expires=123&sign=ab%2Fcd";
            HttpResponse<String> carried = send("GET", "/hls/live/web/index.m3u8?" + q);
            assertEquals(200, carried.statusCode());
            M3u8 cm = new M3u8(carried.body());
            assertFalse(cm.segments.isEmpty());
            for (M3u8.Seg listed : cm.segments) {
                assertTrue(listed.uri().endsWith(".ts?" + q), listed.uri());
                assertEquals(200, send("GET", "/hls/live/web/" + listed.uri()).statusCode(), listed.uri());
            }
            assertFalse(send("GET", "/hls/live/web/index.m3u8").body().contains("?"), "no query, none carried");

            // the mirror: complete files only, the window's segments and the playlist
            Await.until("mirrored", Duration.ofSeconds(10), () -> Files.isRegularFile(mirror.resolve("index.m3u8"))
                    && Files.isRegularFile(mirror.resolve(seg)));
            // registered with the recordings registry as the live stream's open session (the cleaner leaves it)
            String registry = server.get("/api/recordings?stream=live/web").body();
            assertTrue(registry.contains("\"type\": \"hls\"") && registry.contains("\"open\": true"), registry);
            p.join();
            try (Stream<Path> files = Files.list(mirror)) {
                List<String> names = files.map(f -> f.getFileName().toString()).sorted().toList();
                assertFalse(names.stream().anyMatch(n -> n.endsWith(".tmp")), names.toString());
                assertTrue(names.size() <= 3 + 1 + 1, "window of 3 (+1 while the playlist turns over): " + names);
            }
            M3u8 onDisk = new M3u8(Files.readString(mirror.resolve("index.m3u8")));
            for (M3u8.Seg listed : onDisk.segments) {
                assertTrue(Files.size(mirror.resolve(listed.uri())) > 0, listed.uri());
                MediaCheck.ts(java.nio.ByteBuffer.wrap(Files.readAllBytes(mirror.resolve(listed.uri()))));
            }
        }
        Await.until("mirror removed with the stream", Duration.ofSeconds(10), () -> !Files.exists(mirror));
    }
}
