package io.osprey.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code /api/plugins/{id}/config} and {@code OSPREY_PLUGINS_*} variables, with the test plugin echo. */
class PluginConfigApiTest {

    private static final String TOKEN = "config-api-test-token-0123456789";
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();
    private Kernel kernel;

    @TempDir
    Path home;

    @AfterEach
    void stop() {
        if (kernel != null) {
            kernel.close();
        }
    }

    private void start(Path file, Map<String, String> env, String... sets) throws Exception {
        List<String> all = new ArrayList<>(List.of("server.http.port=0", "server.plugins.mode=classpath",
                "server.admin.token=" + TOKEN, "server.configScanIntervalMs=0", "plugins.rtmp-ingest.enabled=false",
                "plugins.httpflv.enabled=false", "plugins.faulty.enabled=false"));
        all.addAll(List.of(sets));
        kernel = Kernel.start(new KernelOptions(home, file, all, env, null));
    }

    private HttpResponse<String> send(String method, String path, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + kernel.httpPort() + path))
                .header("Authorization", "Bearer " + TOKEN)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private String echo() throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + kernel.httpPort() + "/echo/x"))
                .build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    private static JsonNode key(JsonNode config, String key) {
        for (JsonNode k : config.path("keys")) {
            if (k.path("key").asText().equals(key)) {
                return k;
            }
        }
        throw new AssertionError("no key " + key + " in " + config);
    }

    @Test
    void schemaComesFromTheConfigClassAndASaveAppliesLiveKeepingComments() throws Exception {
        Path cfg = Files.writeString(home.resolve("osprey.yaml"), """
                # my server
                plugins:
                  echo:
                    greeting: hi   # what /echo says
                    repeat: 1
                """);
        start(cfg, Map.of());
        HttpResponse<String> r = send("GET", "/api/plugins/echo/config", null);
        assertEquals(200, r.statusCode(), r.body());
        JsonNode c = JSON.readTree(r.body());
        JsonNode repeat = key(c, "repeat");
        assertEquals("integer", repeat.path("type").asText());
        assertEquals(1, repeat.path("default").asInt());
        assertEquals(1, repeat.path("min").asInt());
        assertEquals(10, repeat.path("max").asInt());
        assertEquals("How many times the greeting is repeated.", repeat.path("doc").asText());
        assertEquals("hello", key(c, "greeting").path("default").asText(), "the default is the field initialiser");
        assertEquals("hi", c.path("values").path("greeting").asText(), "the current value is the file's");
        assertEquals(cfg.toString(), c.path("file").asText());

        r = send("PUT", "/api/plugins/echo/config", "{\"repeat\": 3}");
        assertEquals(200, r.statusCode(), r.body());
        assertEquals("hihihi", echo(), "applied live");
        String text = Files.readString(cfg);
        assertTrue(text.contains("# my server") && text.contains("greeting: hi   # what /echo says"), text);
        assertTrue(text.contains("repeat: 3"), text);
        assertTrue(JSON.readTree(r.body()).path("commentsKept").asBoolean());

        r = send("PUT", "/api/plugins/echo/config", "{\"repeat\": 11}");
        assertEquals(400, r.statusCode(), r.body());
        JsonNode refusal = JSON.readTree(r.body());
        assertEquals("plugins.echo.repeat", refusal.path("key").asText());
        assertEquals("must be 1..10, was 11", refusal.path("reason").asText(), "the @Setting range, its message");
        assertTrue(refusal.path("error").asText().contains(cfg.toString()), "names the file: " + refusal);
        assertEquals(text, Files.readString(cfg), "a refused save writes nothing");
        assertEquals("hihihi", echo());

        r = send("PUT", "/api/plugins/echo/config", "{\"greeting\": \"<b>\"}");
        assertEquals(400, r.statusCode(), r.body());
        assertEquals("must not contain markup", JSON.readTree(r.body()).path("reason").asText(), "validate() too");

        r = send("PUT", "/api/plugins/echo/config", "{\"volume\": 3}");
        assertEquals(400, r.statusCode(), r.body());
        assertEquals("plugins.echo.volume", JSON.readTree(r.body()).path("key").asText());

        r = send("PUT", "/api/plugins/echo/config", "{\"greeting\": null, \"newKey: x\\nserver\": 1}");
        assertEquals(400, r.statusCode(), "a key that is not a key name is refused before the file is touched");
        r = send("PUT", "/api/plugins/echo/config", "{\"greeting\": null}");
        assertEquals(200, r.statusCode(), r.body());
        assertEquals("hellohellohello", echo(), "a removed key takes its default");
        assertEquals(404, send("GET", "/api/plugins/nope/config", null).statusCode());
        assertEquals(401, http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + kernel.httpPort()
                + "/api/plugins/echo/config")).build(), HttpResponse.BodyHandlers.ofString()).statusCode());
    }

    @Test
    void aKeySetByAnOverrideCannotBeSavedToTheFile() throws Exception {
        Path cfg = Files.writeString(home.resolve("osprey.yaml"), "plugins:\n  echo:\n    greeting: hi\n");
        start(cfg, Map.of("OSPREY_PLUGINS_ECHO_REPEAT", "2"));
        JsonNode c = JSON.readTree(send("GET", "/api/plugins/echo/config", null).body());
        assertEquals("environment variable OSPREY_PLUGINS_ECHO_REPEAT", c.path("overridden").path("repeat").asText());
        HttpResponse<String> r = send("PUT", "/api/plugins/echo/config", "{\"repeat\": 3}");
        assertEquals(409, r.statusCode(), r.body());
        assertTrue(r.body().contains("OSPREY_PLUGINS_ECHO_REPEAT"), r.body());
    }

    @Test
    void pluginVariablesReachEveryKeyOfTheConfigClassWithoutAFile() throws Exception {
        // echo is in neither the defaults nor a file: its keys are known from its config class alone
        start(null, Map.of("OSPREY_PLUGINS_ECHO_REPEAT", "2", "OSPREY_PLUGINS_ECHO_GREETING", "yo"));
        assertEquals("yoyo", echo());
        assertEquals("environment variable OSPREY_PLUGINS_ECHO_REPEAT",
                kernel.plugins().config().overrides().get("plugins.echo.repeat"), "listed with the others (banner)");
        kernel.close();
        kernel = null;
        start(null, Map.of("OSPREY_PLUGINS_ECHO_ENABLED", "false"));
        assertEquals(404, http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + kernel.httpPort()
                + "/echo/x")).build(), HttpResponse.BodyHandlers.ofString()).statusCode(), "disabled by variable");
    }

    @Test
    void badPluginVariablesFailStartUpNamingTheVariable() {
        io.osprey.kernel.config.ConfigError e = org.junit.jupiter.api.Assertions.assertThrows(
                io.osprey.kernel.config.ConfigError.class,
                () -> start(null, Map.of("OSPREY_PLUGINS_ECHO_REPEAT", "99")));
        assertEquals("plugins.echo.repeat", e.key());
        assertEquals("environment variable OSPREY_PLUGINS_ECHO_REPEAT", e.source());
        e = org.junit.jupiter.api.Assertions.assertThrows(io.osprey.kernel.config.ConfigError.class,
                () -> start(null, Map.of("OSPREY_PLUGINS_EHCO_REPEAT", "2")));
        assertEquals("OSPREY_PLUGINS_EHCO_REPEAT", e.key());
        assertTrue(e.reason().startsWith("names no plugin"), e.reason());
        e = org.junit.jupiter.api.Assertions.assertThrows(io.osprey.kernel.config.ConfigError.class,
                () -> start(null, Map.of("OSPREY_PLUGINS_ECHO_ENABLED", "nope")));
        assertEquals("plugins.echo.enabled", e.key());
    }
}
