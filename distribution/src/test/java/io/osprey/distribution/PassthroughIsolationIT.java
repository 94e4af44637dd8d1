package io.osprey.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.osprey.testkit.Await;
import io.osprey.testkit.Ffmpeg;
import io.osprey.testkit.TestMedia;
import io.osprey.testkit.TestServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * A pass-through worker killed mid-download (as a native crash would end it) cuts that download only, and so do a
 * source that is not media (415 before any body), a truncated one and one that stalls (cut streams): a live stream
 * published over RTMP and watched over HTTP-FLV at the same time keeps flowing, and the server keeps serving.
 */
class PassthroughIsolationIT {

    @Test
    void aKilledWorkerEndsOneDownloadAndTheLiveStreamDoesNotNotice() throws Exception {
        byte[] clip = Files.readAllBytes(TestMedia.h264Aac(6, 1000));
        HttpServer source = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 8);
        byte[] noise = new byte[65536];
        new java.util.Random(18).nextBytes(noise);
        source.createContext("/", ex -> {
            String path = ex.getRequestURI().getPath();
            byte[] body = path.equals("/noise.bin") ? noise : clip;
            // /clip.flv at ~100 KB/s; /cut.flv ends after 40 % of it, /stall.flv holds the connection after 30 %
            int limit = path.equals("/cut.flv") ? clip.length * 2 / 5 : path.equals("/stall.flv") ? clip.length * 3 / 10
                    : body.length;
            try (ex; OutputStream out = ex.getResponseBody()) {
                ex.sendResponseHeaders(200, body.length);
                for (int off = 0; off < limit; off += 8192) {
                    out.write(body, off, Math.min(8192, limit - off));
                    out.flush();
                    Thread.sleep(path.equals("/clip.flv") ? 80 : 0);
                }
                if (path.equals("/stall.flv")) {
                    Thread.sleep(30_000);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } // an IOException (the reader left; /cut.flv's short body) goes to the JDK's server, which closes the connection
        });
        java.util.concurrent.ExecutorService handlers = Executors.newCachedThreadPool();
        source.setExecutor(handlers);
        source.start();
        HttpClient http = HttpClient.newHttpClient();
        Process publisher = null;
        try (TestServer server = TestServer.start("plugins.pass-through-muxer.allowPrivate=true",
                "plugins.pass-through-muxer.ioTimeoutMs=1000")) {
            publisher = Ffmpeg.start(null, "-re", "-stream_loop", "-1", "-i", TestMedia.h264Aac(6, 1000).toString(),
                    "-c", "copy", "-f", "flv", server.rtmp("/live/iso"));
            Await.until("live/iso is live", Duration.ofSeconds(20), () -> server.status("/live/iso.flv") == 200);
            HttpResponse<InputStream> viewer = http.send(HttpRequest.newBuilder(URI.create(server.http("/live/iso.flv")))
                    .build(), HttpResponse.BodyHandlers.ofInputStream());
            AtomicLong viewed = new AtomicLong();
            Thread reader = new Thread(() -> {
                byte[] b = new byte[16384];
                try (InputStream in = viewer.body()) {
                    int n;
                    while ((n = in.read(b)) >= 0) {
                        viewed.addAndGet(n);
                    }
                } catch (IOException e) {
                    // closed at the end
                }
            });
            reader.setDaemon(true);
            reader.start();

            String url = server.http("/api/passthrough/download?url=" + URLEncoder.encode("http://127.0.0.1:"
                    + source.getAddress().getPort() + "/clip.flv", StandardCharsets.UTF_8));
            HttpResponse<InputStream> download = http.send(HttpRequest.newBuilder(URI.create(url)).build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            assertEquals(200, download.statusCode());
            download.body().readNBytes(1000);
            ProcessHandle worker = ProcessHandle.current().descendants().filter(p -> p.info().arguments()
                    .map(a -> String.join(" ", a).contains("pipe:1")).orElse(false)).findFirst().orElseThrow();
            worker.destroyForcibly();
            assertThrows(IOException.class, () -> download.body().readAllBytes(), "a truncated download");

            liveFlows(viewed, publisher, "a worker killed");

            // the other broken sources of issue 18: a status before any body, or a cut stream after it
            String base = "/api/passthrough/download?url=" + URLEncoder.encode("http://127.0.0.1:"
                    + source.getAddress().getPort(), StandardCharsets.UTF_8);
            HttpResponse<String> notMedia = http.send(HttpRequest.newBuilder(URI.create(server.http(base
                    + "%2Fnoise.bin"))).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(415, notMedia.statusCode(), notMedia.body());
            liveFlows(viewed, publisher, "a source that is not media");
            for (String broken : new String[] {"%2Fcut.flv", "%2Fstall.flv"}) {
                HttpResponse<InputStream> cut = http.send(HttpRequest.newBuilder(URI.create(server.http(base + broken)))
                        .build(), HttpResponse.BodyHandlers.ofInputStream());
                assertEquals(200, cut.statusCode(), broken);
                assertThrows(IOException.class, () -> cut.body().readAllBytes(), "a cut stream: " + broken);
                liveFlows(viewed, publisher, broken);
            }
            HttpResponse<String> status = http.send(HttpRequest.newBuilder(URI.create(
                    server.http("/api/passthrough/status"))).header("Authorization", "Bearer " + TestServer.TOKEN)
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertTrue(status.body().contains("\"active\":0"), status.body());
            viewer.body().close();
        } finally {
            Ffmpeg.stop(publisher);
            source.stop(0);
            handlers.shutdownNow(); // ends /stall.flv's hold
        }
    }

    /** The live viewer kept receiving over the next second and the publisher is still connected. */
    private static void liveFlows(AtomicLong viewed, Process publisher, String after) throws InterruptedException {
        long before = viewed.get();
        Thread.sleep(1000);
        assertTrue(viewed.get() > before + 40_000, "after " + after + " the live viewer kept receiving: " + before
                + " -> " + viewed.get());
        assertTrue(publisher.isAlive(), "after " + after + " the publisher is still connected");
    }
}
