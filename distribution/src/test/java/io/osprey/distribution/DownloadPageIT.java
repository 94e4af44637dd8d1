package io.osprey.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import io.osprey.testkit.Await;
import io.osprey.testkit.TestMedia;
import io.osprey.testkit.TestServer;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The console's Download page in headless Chromium against the in-process server: the info card, a whole download
 * (progress at 100 %), and Cancel, which must stop the server's ffmpeg child.
 */
class DownloadPageIT {

    @Test
    void infoDownloadAndCancel() throws Exception {
        Path site = Path.of(System.getProperty("osprey.dist", "target/osprey")).resolve("web").toAbsolutePath();
        assertTrue(Files.isRegularFile(site.resolve("download.html")), "the assembled site is missing: " + site);
        byte[] clip = Files.readAllBytes(TestMedia.h264Aac(6, 1000));
        HttpServer source = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
        source.createContext("/", ex -> { // the clip, at full speed or at 100 KB/s for /slow.flv
            boolean slow = ex.getRequestURI().getPath().equals("/slow.flv");
            try (ex; OutputStream out = ex.getResponseBody()) {
                ex.getResponseHeaders().add("Content-Type", "video/x-flv");
                ex.sendResponseHeaders(200, clip.length);
                for (int off = 0; off < clip.length; off += 8192) {
                    out.write(clip, off, Math.min(8192, clip.length - off));
                    if (slow) {
                        Thread.sleep(80);
                    }
                }
            } catch (InterruptedException | java.io.IOException e) {
                // the reader left
            }
        });
        source.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        source.start();
        String base = "http://127.0.0.1:" + source.getAddress().getPort();
        try (TestServer server = TestServer.start(Files.createTempDirectory("osprey-download"), null,
                "server.webDir=" + site, "plugins.pass-through-muxer.allowPrivate=true")) {
            BrowserDriver browser = new BrowserDriver(server.http(""), TestServer.TOKEN);
            assertNull(browser.missing(), browser.missing());
            JsonNode r = browser.run("download", BrowserDriver.args().put("url", base + "/clip.flv")
                    .put("slowUrl", base + "/slow.flv").put("screenshot", "download"));
            JsonNode card = r.path("card");
            assertEquals("ready", card.path("phase").asText(), r.toString());
            assertEquals("clip", card.path("title").asText());
            assertTrue(card.path("facts").asText().startsWith("0:06"), card.toString());
            assertTrue(card.path("tracks").toString().contains("h264") && card.path("tracks").toString().contains("aac"));
            JsonNode done = r.path("done");
            assertEquals("done", done.path("phase").asText(), r.toString());
            assertEquals("ftyp", done.path("head").asText());
            assertEquals(1.0, done.path("progress").asDouble(), 1e-9);
            assertTrue(done.path("bytes").asLong() > 500_000, done.toString());
            assertEquals("cancelled", r.path("cancelled").path("phase").asText(), r.toString());
            Await.until("the cancelled download's ffmpeg is gone", Duration.ofSeconds(1),
                    () -> ProcessHandle.current().descendants().noneMatch(p -> p.info().command()
                            .map(c -> c.endsWith("/ffmpeg")).orElse(false)));
            assertEquals(0, r.path("pageErrors").size(), r.toString());
        } finally {
            source.stop(0);
        }
    }
}
