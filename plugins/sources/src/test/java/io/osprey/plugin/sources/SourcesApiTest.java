package io.osprey.plugin.sources;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.osprey.spi.bus.StreamKey;
import io.osprey.testkit.Await;
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
 * {@code POST/DELETE /api/sources}: admin only, validated, kept in the data folder across a restart; a killed
 * worker is restarted and the stream goes on.
 */
class SourcesApiTest {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @Test
    void sourcesAddedThroughTheApiPersistAndAKilledWorkerIsRestarted() throws Exception {
        Path clip = TestMedia.h264Aac(4, 300);
        Path home = Files.createTempDirectory("osprey-sources");
        String body = "{\"key\": \"api/one\", \"url\": \"" + clip + "\", \"loop\": true, \"audio\": \"copy\"}";
        try (TestServer server = TestServer.start(home, null, "plugins.sources.minBackoffMs=100",
                "plugins.sources.streams.cfg/x.url=" + clip, "plugins.sources.streams.cfg/x.onDemand=true")) {
            assertEquals(401, send(server, "POST", "/api/sources", body, false).statusCode(), "admin only");
            HttpResponse<String> bad = send(server, "POST", "/api/sources",
                    "{\"key\": \"api/bad\", \"url\": \"concat:/etc/passwd\"}", true);
            assertEquals(400, bad.statusCode(), bad.body());
            assertTrue(bad.body().contains("url must be"), bad.body());
            HttpResponse<String> added = send(server, "POST", "/api/sources", body, true);
            assertEquals(201, added.statusCode(), added.body());
            assertEquals(409, send(server, "POST", "/api/sources", body, true).statusCode());
            assertEquals(409, send(server, "DELETE", "/api/sources/cfg/x", null, true).statusCode(),
                    "configured sources are removed in the config");
            Await.until("api/one live", Duration.ofSeconds(15),
                    () -> server.kernel().bus().stream(StreamKey.parse("api/one")).isPresent());
            // a native crash, as far as the server can tell: the worker is killed from outside
            long pid = pid(server, "api/one");
            ProcessHandle.of(pid).orElseThrow().destroyForcibly();
            Await.until("restarted with a new worker", Duration.ofSeconds(15), () -> {
                long now = pid(server, "api/one");
                return now > 0 && now != pid && api(server, "api/one").contains("\"state\": \"live\"");
            });
            assertTrue(api(server, "api/one").contains("\"restarts\": 1"), api(server, "api/one"));
            assertEquals(200, server.get("/api/health").statusCode());
        }
        assertTrue(Files.readString(home.resolve("data/sources/sources.json")).contains("api/one"));
        try (TestServer server = TestServer.start(home, null)) {
            Await.until("api/one back after the restart", Duration.ofSeconds(15),
                    () -> server.kernel().bus().stream(StreamKey.parse("api/one")).isPresent());
            assertTrue(api(server, "api/one").contains("\"origin\": \"api\""));
            assertEquals(204, send(server, "DELETE", "/api/sources/api/one", null, true).statusCode());
            Await.until("stopped", Duration.ofSeconds(10),
                    () -> server.kernel().bus().stream(StreamKey.parse("api/one")).isEmpty());
            assertEquals(404, send(server, "GET", "/api/sources/api/one", null, true).statusCode());
        }
        assertFalse(Files.readString(home.resolve("data/sources/sources.json")).contains("api/one"));
    }

    private static long pid(TestServer server, String key) {
        String a = api(server, key);
        int i = a.indexOf("\"pid\": ");
        return Long.parseLong(a.substring(i + 7).replaceAll("(?s)[^0-9-].*", ""));
    }

    private static String api(TestServer server, String key) {
        try {
            return server.get("/api/sources/" + key).body();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static HttpResponse<String> send(TestServer server, String method, String path, String body,
                                             boolean admin) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.http(path))).timeout(Duration.ofSeconds(10))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (admin) {
            b.header("Authorization", "Bearer " + TestServer.TOKEN);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}
