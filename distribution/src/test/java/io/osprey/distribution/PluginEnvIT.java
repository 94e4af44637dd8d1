package io.osprey.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.osprey.kernel.Kernel;
import io.osprey.kernel.KernelOptions;
import io.osprey.kernel.config.ConfigError;
import io.osprey.kernel.plugin.PluginState;
import io.osprey.testkit.FreePorts;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The bundled plugins' config, derived from their config classes: {@code OSPREY_PLUGINS_*} variables reach every
 * key a plugin declares (with or without a file), a misspelt plugin section fails start-up naming the key and the
 * file, and the schema of the fully described plugins has a doc for every key. One in-process server per case,
 * ServiceLoader mode with every plugin of the distribution.
 */
class PluginEnvIT {

    private static final String TOKEN = "plugin-env-it-token-0123456789";
    private static final ObjectMapper JSON = new ObjectMapper();

    private static Kernel start(Path home, Path file, Map<String, String> env) throws Exception {
        return Kernel.start(new KernelOptions(home, file, List.of("server.http.port=0", "server.webDir=",
                "server.plugins.mode=classpath", "server.admin.token=" + TOKEN, "server.dataDir=" + home.resolve("d"),
                "plugins.rtmp-ingest.port=" + FreePorts.next()), env, null));
    }

    private static JsonNode config(Kernel k, String id) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                "http://127.0.0.1:" + k.httpPort() + "/api/plugins/" + id + "/config"))
                .header("Authorization", "Bearer " + TOKEN).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        return JSON.readTree(r.body());
    }

    @Test
    void pluginVariablesReachKeysTheDefaultsDoNotName() throws Exception {
        Path home = Files.createTempDirectory("osprey-env");
        // no file; fmp4-recorder and httpflv's stallMs are not in the built-in defaults
        try (Kernel k = start(home, null, Map.of("OSPREY_PLUGINS_FMP4_RECORDER_ENABLED", "false",
                "OSPREY_PLUGINS_HTTPFLV_STALLMS", "4000", "OSPREY_PLUGINS_HLS_SEGMENTMS", "3000"))) {
            assertEquals(PluginState.STOPPED, k.plugins().status("fmp4-recorder").orElseThrow().state());
            assertFalse(k.plugins().status("fmp4-recorder").orElseThrow().enabled());
            JsonNode flv = config(k, "httpflv");
            assertEquals(4000, flv.path("values").path("stallMs").asInt(), flv.toString());
            assertEquals("environment variable OSPREY_PLUGINS_HTTPFLV_STALLMS",
                    flv.path("overridden").path("stallMs").asText());
            assertEquals(3000, config(k, "hls").path("values").path("segmentMs").asInt());
        }
        ConfigError e = assertThrows(ConfigError.class, () -> start(home, null,
                Map.of("OSPREY_PLUGINS_HTTPFLV_STALLMS", "10")).close());
        assertEquals("plugins.httpflv.stallMs", e.key());
        assertEquals("environment variable OSPREY_PLUGINS_HTTPFLV_STALLMS", e.source());
        assertEquals("must be at least 1000, was 10", e.reason());
    }

    @Test
    void aMisspeltPluginSectionIsRejectedWithKeyAndFile() throws Exception {
        Path home = Files.createTempDirectory("osprey-env");
        Path file = Files.writeString(home.resolve("osprey.yaml"), "plugins:\n  hsl:\n    segmentMs: 4000\n");
        ConfigError e = assertThrows(ConfigError.class, () -> start(home, file, Map.of()).close());
        assertEquals("plugins.hsl", e.key());
        assertEquals(file.toString(), e.source());
        assertTrue(e.reason().startsWith("unknown plugin; installed: "), e.reason());
        assertTrue(e.reason().contains("hls"), e.reason());
    }

    @Test
    void theFullyDescribedPluginsDocumentEveryKey() throws Exception {
        Path home = Files.createTempDirectory("osprey-env");
        try (Kernel k = start(home, null, Map.of())) {
            for (String id : List.of("hls", "httpflv", "rtmp-ingest", "fmp4-recorder", "auth", "cleanup", "ratelimit",
                    "sources", "transcode")) {
                for (JsonNode key : config(k, id).path("keys")) {
                    assertFalse(key.path("doc").asText().isBlank(), id + " " + key);
                    assertTrue(key.has("default"), id + " " + key);
                }
            }
            JsonNode seg = null;
            for (JsonNode key : config(k, "hls").path("keys")) {
                if (key.path("key").asText().equals("segmentMs")) {
                    seg = key;
                }
            }
            assertEquals("{\"key\":\"segmentMs\",\"type\":\"integer\",\"default\":2000,\"min\":1000,\"max\":30000,"
                    + "\"doc\":\"Target segment duration, ms; segments are cut on the first video key frame at or "
                    + "after it.\"}", JSON.writeValueAsString(seg));
            for (String id : k.plugins().ids()) {
                assertTrue(config(k, id).path("keys").size() >= 1, id); // every plugin: at least types and defaults
            }
        }
    }
}
