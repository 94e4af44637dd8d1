package io.osprey.plugin.passthrough;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.osprey.testkit.TestServer;
import java.io.InputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** maxConnections=4, maxWorkers=2 against six slow downloads. */
class GateLimitsTest {

    @Test
    void twoActiveTwoQueuedTwoRefusedAndAQueuedOneStartsWhenAnActiveEnds() throws Exception {
        try (SourceServer source = new SourceServer(Media.dir());
             TestServer server = TestServer.start("plugins.pass-through-muxer.allowPrivate=true",
                     "plugins.pass-through-muxer.maxConnections=4", "plugins.pass-through-muxer.maxWorkers=2",
                     "plugins.pass-through-muxer.queueTimeoutMs=20000")) {
            String url = Downloads.download(server.httpPort(), source.url("/video.mp4?rate=150000"), null);
            List<CompletableFuture<HttpResponse<InputStream>>> all = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                all.add(Downloads.HTTP.sendAsync(HttpRequest.newBuilder(URI.create(url)).GET().build(),
                        HttpResponse.BodyHandlers.ofInputStream()));
            }
            Downloads.await("two downloads queued", 10_000,
                    () -> Downloads.status(server.httpPort()).contains("\"queued\":2"));
            assertTrue(Downloads.status(server.httpPort()).contains("\"active\":2"));
            // the two running ones answer with their first fragment (a key frame interval of the slow source)
            Downloads.await("four answers", 10_000, () -> all.stream().filter(CompletableFuture::isDone).count() == 4);
            List<HttpResponse<InputStream>> refused = new ArrayList<>();
            List<HttpResponse<InputStream>> running = new ArrayList<>();
            for (CompletableFuture<HttpResponse<InputStream>> f : all) {
                if (f.isDone()) {
                    HttpResponse<InputStream> r = f.get();
                    (r.statusCode() == 503 ? refused : running).add(r);
                }
            }
            assertEquals(2, refused.size(), "two refused at once");
            for (HttpResponse<InputStream> r : refused) {
                assertEquals("5", r.headers().firstValue("retry-after").orElse(""));
                r.body().close();
            }
            assertEquals(2, running.size(), "two started");
            running.get(0).body().readNBytes(100);
            running.get(0).body().close(); // the client leaves: its slot goes to the first queued download
            Downloads.await("a queued download started", 5_000,
                    () -> Downloads.status(server.httpPort()).contains("\"queued\":1"));
            assertTrue(Downloads.status(server.httpPort()).contains("\"active\":2"));
            assertTrue(Downloads.get("http://127.0.0.1:" + server.httpPort() + "/metrics").body()
                    .contains("osprey_passthrough_rejected_total{gate=\"connections\"} 2.0"));
            for (CompletableFuture<HttpResponse<InputStream>> f : all) {
                f.thenAccept(r -> {
                    try {
                        r.body().close();
                    } catch (java.io.IOException ignored) {
                        // closing
                    }
                });
            }
        }
    }

    @Test
    void aLongWaitInTheQueueEndsIn503() throws Exception {
        try (SourceServer source = new SourceServer(Media.dir());
             TestServer server = TestServer.start("plugins.pass-through-muxer.allowPrivate=true",
                     "plugins.pass-through-muxer.maxWorkers=1", "plugins.pass-through-muxer.queueTimeoutMs=500")) {
            String url = Downloads.download(server.httpPort(), source.url("/video.mp4?rate=300000"), null);
            HttpResponse<InputStream> first = Downloads.open(url);
            assertEquals(200, first.statusCode());
            long t0 = System.nanoTime();
            HttpResponse<String> second = Downloads.get(url);
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            assertEquals(503, second.statusCode(), second.body());
            assertTrue(second.body().contains("no worker free within 500 ms"), second.body());
            assertTrue(second.headers().firstValue("retry-after").isPresent());
            assertTrue(ms >= 450 && ms < 5000, "waited " + ms + " ms");
            first.body().close();
        }
    }

    @Test
    void aClientThatLeavesWhileQueuedGivesUpItsPlaceAtOnce() throws Exception {
        try (SourceServer source = new SourceServer(Media.dir());
             TestServer server = TestServer.start("plugins.pass-through-muxer.allowPrivate=true",
                     "plugins.pass-through-muxer.maxConnections=2", "plugins.pass-through-muxer.maxWorkers=1",
                     "plugins.pass-through-muxer.queueTimeoutMs=30000")) {
            int port = server.httpPort();
            URI url = URI.create(Downloads.download(port, source.url("/video.mp4?rate=150000"), null));
            HttpResponse<InputStream> first = Downloads.open(url.toString());
            assertEquals(200, first.statusCode());
            try (Socket second = new Socket("127.0.0.1", port)) {
                second.getOutputStream().write(("GET " + url.getRawPath() + "?" + url.getRawQuery() + " HTTP/1.1\r\n"
                        + "Host: 127.0.0.1\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                Downloads.await("the second download queued", 10_000,
                        () -> Downloads.status(port).contains("\"queued\":1"));
            } // the second client leaves while it waits
            long t0 = System.nanoTime();
            Downloads.await("its place given up", 2_000, () -> Downloads.status(port).contains("\"queued\":0")
                    && Downloads.status(port).contains("\"connections\":1"));
            System.out.printf("queued client gone: place freed in %d ms%n", (System.nanoTime() - t0) / 1_000_000);
            assertEquals(401, Downloads.get("http://127.0.0.1:" + port + "/api/passthrough/status").statusCode(),
                    "the status is admin-only");
            first.body().close();
        }
    }
}
