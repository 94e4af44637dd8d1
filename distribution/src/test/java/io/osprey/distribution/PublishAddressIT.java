package io.osprey.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.osprey.testkit.Await;
import io.osprey.testkit.Ffmpeg;
import io.osprey.testkit.TestMedia;
import io.osprey.testkit.TestServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Issue 23's first point: with RTMP on a random port (never 1935), the start page's OBS server and ffmpeg commands
 * and the console's publish hint carry that port, read by Chromium from the rendered page; the ffmpeg command as
 * the page prints it then publishes for real. {@code GET /api/info} answers without a token.
 */
class PublishAddressIT {

    @Test
    void theStartPageAndTheConsolePrintTheBoundRtmpPort() throws Exception {
        Path site = Path.of(System.getProperty("osprey.dist", "target/osprey")).resolve("web").toAbsolutePath();
        assertTrue(Files.isRegularFile(site.resolve("index.html")), "the assembled site is missing: " + site);
        try (TestServer server = TestServer.start(Files.createTempDirectory("osprey-addr"), null,
                "server.webDir=" + site)) {
            int port = server.rtmpPort();
            assertNotEquals(1935, port);
            HttpResponse<String> info = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create(server.http("/api/info"))).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, info.statusCode(), "public, no token: " + info.body());
            JsonNode json = BrowserDriver.JSON.readTree(info.body());
            assertEquals(port, json.path("rtmp").path("port").asInt(), info.body());
            assertEquals(server.httpPort(), json.path("http").path("port").asInt(), info.body());
            assertTrue(json.path("outputs").path("hls").asBoolean() && json.path("outputs").path("httpFlv").asBoolean(),
                    info.body());

            BrowserDriver browser = new BrowserDriver(server.http(""), TestServer.TOKEN);
            String missing = browser.missing();
            assertNull(missing, missing);
            ObjectNode args = BrowserDriver.args();
            args.put("path", "/?app=live&stream=cam1");
            args.put("expect", ":" + port + "/");
            args.put("console", true);
            JsonNode r = browser.run("addresses", args);
            String base = "rtmp://127.0.0.1:" + port;
            assertEquals(base + "/live", row(r, "OBS server"), r.toString());
            String publish = row(r, "ffmpeg: publish a file");
            assertTrue(publish.endsWith(" -f flv " + base + "/live/cam1"), publish);
            assertTrue(row(r, "ffmpeg: publish a test pattern (no file needed)").endsWith(base + "/live/cam1"),
                    r.toString());
            assertEquals(base + "/live/cam1", row(r, "RTMP (ffplay, VLC)"), r.toString());
            assertEquals(base + "/live", r.path("consoleHint").asText(), r.toString());
            assertEquals(0, r.path("pageErrors").size(), r.toString());

            // the printed command works: publish with the URL exactly as the page gave it
            String url = publish.substring(publish.lastIndexOf(' ') + 1);
            Process p = Ffmpeg.start(Files.createTempFile("osprey-addr", ".log"), "-re", "-i",
                    TestMedia.h264Aac(10, 500).toString(), "-c", "copy", "-f", "flv", url);
            try {
                Await.until("live/cam1 published to " + url, Duration.ofSeconds(15),
                        () -> statusWithToken(server, "/api/streams/live/cam1") == 200);
            } finally {
                Ffmpeg.stop(p);
            }
        }
    }

    private static int statusWithToken(TestServer server, String path) {
        try {
            return server.get(path).statusCode();
        } catch (Exception e) {
            return -1;
        }
    }

    private static String row(JsonNode r, String what) {
        for (JsonNode row : r.path("rows")) {
            if (row.path("what").asText().equals(what)) {
                return row.path("value").asText();
            }
        }
        throw new AssertionError("no copy row '" + what + "' in " + r);
    }
}
