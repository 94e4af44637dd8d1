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
 * A pass-through worker killed mid-download (as a native crash would end it) cuts that download only: a live
 * stream published over RTMP and watched over HTTP-FLV at the same time keeps flowing, and the server keeps serving.
 */
class PassthroughIsolationIT {

    @Test
    void aKilledWorkerEndsOneDownloadAndTheLiveStreamDoesNotNotice() throws Exception {
        byte[] clip = Files.readAllBytes(TestMedia.h264Aac(6, 1000));
        HttpServer source = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 8);
        source.createContext("/", ex -> { // the clip at ~100 KB/s
            try (ex; OutputStream out = ex.getResponseBody()) {
                ex.sendResponseHeaders(200, clip.length);
                for (int off = 0; off < clip.length; off += 8192) {
                    out.write(clip, off, Math.min(8192, clip.length - off));
                    Thread.sleep(80);
                }
            } catch (InterruptedException | IOException e) {
                // the reader left
            }
        });
        source.setExecutor(Executors.newCachedThreadPool());
        source.start();
        HttpClient http = HttpClient.newHttpClient();
        Process publisher = null;
        try (TestServer server = TestServer.start("plugins.pass-through-muxer.allowPrivate=true")) {
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

            long before = viewed.get();
            Thread.sleep(1500);
            assertTrue(viewed.get() > before + 50_000, "the live viewer kept receiving: " + before + " -> "
                    + viewed.get());
            assertTrue(publisher.isAlive(), "the publisher is still connected");
            HttpResponse<String> status = http.send(HttpRequest.newBuilder(URI.create(
                    server.http("/api/passthrough/status"))).header("Authorization", "Bearer " + TestServer.TOKEN)
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertTrue(status.body().contains("\"active\":0"), status.body());
            viewer.body().close();
        } finally {
            Ffmpeg.stop(publisher);
            source.stop(0);
        }
    }
}
