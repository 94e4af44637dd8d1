package io.osprey.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
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
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The console's plugin settings form in Debian's headless chromium (see {@link BrowserDriver}), against an
 * in-process server serving the built site while ffmpeg publishes {@code live/test}: the HLS segment length is
 * changed from the form and the playlist's {@code #EXT-X-TARGETDURATION} follows without a restart; a value out of
 * range is refused by the form (no request is sent) and by the server, with the same message.
 */
class ConfigFormIT {

    private static final Pattern TARGET = Pattern.compile("#EXT-X-TARGETDURATION:(\\d+)");

    @Test
    void hlsSegmentLengthChangesLiveFromTheForm() throws Exception {
        Path site = Path.of(System.getProperty("osprey.dist", "target/osprey")).resolve("web").toAbsolutePath();
        assertTrue(Files.isRegularFile(site.resolve("console/config.js")), "the assembled site is missing: " + site);
        Path home = Files.createTempDirectory("osprey-config-form");
        Path logs = Files.createDirectories(Path.of("target", "browser", "logs").toAbsolutePath());
        Path config = Files.writeString(home.resolve("osprey.yaml"), """
                # written by ConfigFormIT
                plugins:
                  hls:
                    segmentMs: 2000   # kept by the save: only the value changes
                """);
        Process publisher = null;
        try (TestServer server = TestServer.start(home, config, "server.webDir=" + site,
                "plugins.fmp4-recorder.enabled=false")) {
            BrowserDriver browser = new BrowserDriver(server.http(""), TestServer.TOKEN);
            String missing = browser.missing();
            assertNull(missing, missing);
            publisher = Ffmpeg.start(logs.resolve("publish-config-form.log"), "-re", "-stream_loop", "-1", "-i",
                    TestMedia.h264Aac(10, 1000).toString(), "-c", "copy", "-f", "flv", server.rtmp("/live/test"));
            Await.until("a playlist with target duration 2", Duration.ofSeconds(20),
                    () -> targetDuration(server) == 2);

            JsonNode r = browser.run("configForm", BrowserDriver.args().put("plugin", "hls").put("key", "segmentMs")
                    .put("invalid", "500").put("valid", "4000"));
            assertEquals("2000", r.path("before").path("value").asText(), r.toString());
            assertTrue(r.path("before").path("doc").asText().contains("1000..30000"), "the range is shown: " + r);
            JsonNode refused = r.path("refused");
            assertEquals("must be 1000..30000, was 500", refused.path("fieldError").asText(), r.toString());
            assertEquals(0, refused.path("puts").asInt(), "the form refused it without asking the server: " + r);

            // the server refuses the same value with the same words
            HttpResponse<String> put = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create(server.http("/api/plugins/hls/config"))).header("Authorization", "Bearer "
                    + TestServer.TOKEN).PUT(HttpRequest.BodyPublishers.ofString("{\"segmentMs\": 500}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(400, put.statusCode(), put.body());
            JsonNode refusal = BrowserDriver.JSON.readTree(put.body());
            assertEquals(refused.path("fieldError").asText(), refusal.path("reason").asText(), put.body());
            assertEquals("plugins.hls.segmentMs", refusal.path("key").asText());

            JsonNode saved = r.path("saved");
            assertEquals(1, saved.path("puts").asInt(), r.toString());
            assertTrue(saved.path("status").asText().startsWith("Saved and applied: segmentMs"), r.toString());
            assertEquals("", saved.path("error").asText(), r.toString());
            assertEquals("4000", saved.path("value").asText());
            String text = Files.readString(config);
            assertTrue(text.contains("segmentMs: 4000   # kept by the save") && text.contains("# written by"), text);

            // applied live: the longer target is announced at once (RFC 8216 4.3.3.1: never below a segment)
            Await.until("the playlist's target duration to become 4", Duration.ofSeconds(15),
                    () -> targetDuration(server) == 4);
            assertTrue(publisher.isAlive(), "the publisher stayed connected");
            assertEquals(200, server.get("/api/streams/live/test").statusCode(), "the stream stayed live");
            assertEquals(0, r.path("pageErrors").size(), r.toString());
        } finally {
            if (publisher != null) {
                Ffmpeg.stop(publisher);
            }
        }
    }

    private static int targetDuration(TestServer server) {
        try {
            Matcher m = TARGET.matcher(server.get("/hls/live/test/index.m3u8").body());
            return m.find() ? Integer.parseInt(m.group(1)) : -1;
        } catch (Exception e) {
            return -1;
        }
    }
}
