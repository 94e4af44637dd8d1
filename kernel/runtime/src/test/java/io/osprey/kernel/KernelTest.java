package io.osprey.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.osprey.kernel.config.ConfigError;
import io.osprey.kernel.plugin.PluginState;
import io.osprey.kernel.testplugins.FaultyPlugin;
import io.osprey.kernel.plugin.PluginStatus;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The kernel with the test plugins of this module, in ServiceLoader mode. */
class KernelTest {

    private static final String TOKEN = "kernel-test-token-0123456789";
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

    private Kernel start(Path configFile, String... sets) throws Exception {
        List<String> all = new ArrayList<>(List.of("server.http.port=0", "server.plugins.mode=classpath",
                "server.admin.token=" + TOKEN, "server.configScanIntervalMs=100", "plugins.rtmp-ingest.enabled=false",
                "plugins.httpflv.enabled=false"));
        all.addAll(List.of(sets));
        kernel = Kernel.start(new KernelOptions(home, configFile, all, Map.of(), null));
        return kernel;
    }

    private HttpResponse<String> get(String path, boolean auth) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + kernel.httpPort() + path));
        if (auth) {
            b.header("Authorization", "Bearer " + TOKEN);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + kernel.httpPort() + path))
                .header("Authorization", "Bearer " + TOKEN).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private PluginStatus plugin(String id) {
        return kernel.plugins().status(id).orElseThrow();
    }

    private static void await(String what, BooleanSupplier c) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (!c.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(20);
        }
    }

    @Test
    void adminApiNeedsTheTokenButHealthDoesNot() throws Exception {
        start(null);
        assertEquals(401, get("/api/plugins", false).statusCode());
        HttpResponse<String> r = get("/api/plugins", true);
        assertEquals(200, r.statusCode());
        assertTrue(r.body().contains("\"id\" : \"echo\""), r.body());
        assertFalse(r.headers().firstValue("Access-Control-Allow-Origin").isPresent());
        HttpResponse<String> h = get("/api/health", false);
        assertEquals(200, h.statusCode());
        assertTrue(h.body().contains("\"status\" : \"healthy\""), h.body());
        assertEquals("hello", get("/echo/x", false).body());
    }

    @Test
    void aPluginsAdminRouteNeedsTheTokenAndGoesAwayWithThePlugin() throws Exception {
        start(null);
        HttpResponse<String> refused = get("/api/echo", false);
        assertEquals(401, refused.statusCode());
        assertTrue(refused.headers().firstValue("WWW-Authenticate").orElse("").startsWith("Bearer"));
        assertFalse(refused.body().contains("admin echo"));
        assertEquals(401, http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + kernel.httpPort()
                + "/api/echo")).header("Authorization", "Bearer wrong-token-0123456789").build(),
                HttpResponse.BodyHandlers.ofString()).statusCode());
        HttpResponse<String> ok = get("/api/echo", true);
        assertEquals(200, ok.statusCode());
        assertEquals("admin echo", ok.body());
        assertEquals(200, get("/api/plugins", true).statusCode(), "the exact route does not hide the rest of /api");
        post("/api/plugins/echo/stop");
        assertEquals(404, get("/api/echo", true).statusCode(), "the kernel's /api/* answers once the plugin is gone");
    }

    @Test
    void aPluginStoppedThroughTheApiWhileEnabledDegradesHealthWithTheReason() throws Exception {
        start(null);
        assertTrue(get("/api/health", true).body().contains("\"status\" : \"healthy\""));
        assertEquals(200, post("/api/plugins/echo/stop").statusCode());
        String h = get("/api/health", true).body();
        assertTrue(h.contains("\"status\" : \"degraded\"") && h.contains("plugin echo is stopped although the"
                + " config enables it"), h);
        assertEquals(200, post("/api/plugins/echo/start").statusCode());
        assertTrue(get("/api/health", true).body().contains("\"status\" : \"healthy\""));
    }

    @Test
    void stopAndStartThroughTheApiReleaseEverything() throws Exception {
        start(null);
        get("/echo/warm", false);
        int threadsBefore = Thread.activeCount();
        int routesBefore = kernel.host().router().count();
        for (int i = 0; i < 20; i++) {
            assertEquals(200, post("/api/plugins/echo/stop").statusCode());
            assertEquals(PluginState.STOPPED, plugin("echo").state());
            assertEquals(0, kernel.host().router().count("echo"));
            assertEquals(404, get("/echo/x", false).statusCode());
            assertFalse(get("/metrics", false).body().contains("osprey_echo_ticks"));
            assertEquals(200, post("/api/plugins/echo/start").statusCode());
            assertEquals(PluginState.ACTIVE, plugin("echo").state());
            assertEquals("hello", get("/echo/x", false).body());
        }
        assertEquals(routesBefore, kernel.host().router().count());
        assertTrue(get("/metrics", false).body().contains("osprey_echo_ticks"));
        assertTrue(Thread.activeCount() <= threadsBefore + 4,
                "threads before " + threadsBefore + ", after " + Thread.activeCount());
        assertEquals(404, post("/api/plugins/nope/start").statusCode());
    }

    @Test
    void aPluginThatThrowsInStartIsFailedAndTheOthersRun() throws Exception {
        start(null, "plugins.faulty.failIn=start");
        PluginStatus s = plugin("faulty");
        assertEquals(PluginState.FAILED, s.state());
        assertTrue(s.reason().contains("boom in start"), s.reason());
        assertEquals(0, kernel.host().router().count("faulty"), "its route was released");
        assertEquals(PluginState.ACTIVE, plugin("echo").state());
        String health = get("/api/health", true).body();
        assertTrue(health.contains("degraded") && health.contains("boom in start"), health);
        String publicHealth = get("/api/health", false).body();
        assertTrue(publicHealth.contains("degraded") && !publicHealth.contains("boom"), "details need the token: "
                + publicHealth);
    }

    @Test
    void aPluginThatThrowsInStopIsFailedAndReleased() throws Exception {
        start(null, "plugins.faulty.failIn=stop");
        assertEquals(PluginState.ACTIVE, plugin("faulty").state());
        post("/api/plugins/faulty/stop");
        assertEquals(PluginState.FAILED, plugin("faulty").state());
        assertTrue(plugin("faulty").reason().contains("boom in stop"));
        assertEquals(0, kernel.host().router().count("faulty"));
    }

    @Test
    void aViewerWhoseCallbackThrowsIsClosedAloneAndTheOtherViewersOfThePluginGoOn() throws Exception {
        start(null, "plugins.faulty.failIn=callback");
        FaultyPlugin faulty = FaultyPlugin.last;
        await("the throwing viewer is closed", () -> faulty.bad().endReason() != null);
        int before = faulty.goodFrames();
        faulty.push();
        faulty.push();
        await("the other viewer of the same plugin keeps reading", () -> faulty.goodFrames() >= before + 2);
        assertEquals(PluginState.ACTIVE, plugin("faulty").state());
        assertEquals(null, faulty.good().endReason());
    }

    @Test
    void aPluginWhoseFrameCallbacksKeepThrowingIsFailed() throws Exception {
        start(null, "plugins.faulty.failIn=callbacks");
        await("faulty failed", () -> plugin("faulty").state() == PluginState.FAILED);
        assertTrue(plugin("faulty").reason().contains("boom in a frame callback"), plugin("faulty").reason());
        assertTrue(plugin("faulty").reason().contains("20 times"), plugin("faulty").reason());
        assertEquals(PluginState.ACTIVE, plugin("echo").state());
        await("its stream is gone", () -> kernel.bus().streams().isEmpty() || !kernel.bus().streams().get(0).hasPublisher());
    }

    @Test
    void editingTheConfigFileAppliesItAndBadValuesAreRejected() throws Exception {
        Path cfg = home.resolve("osprey.yaml");
        Files.writeString(cfg, "plugins:\n  echo:\n    greeting: hi\n");
        start(cfg);
        assertEquals("hi", get("/echo/x", false).body());

        Files.writeString(cfg, "plugins:\n  echo:\n    greeting: hey\n    repeat: 2\n");
        await("reconfigured", () -> body("/echo/x").equals("heyhey"));
        assertEquals(PluginState.ACTIVE, plugin("echo").state());

        Files.writeString(cfg, "plugins:\n  echo:\n    greeting: hey\n    repeat: 99\n");
        Thread.sleep(400);
        assertEquals("heyhey", body("/echo/x"), "a bad value keeps the running config");
        assertEquals(PluginState.ACTIVE, plugin("echo").state());

        Files.writeString(cfg, "plugins:\n  echo:\n    enabled: false\n    greeting: hey\n    repeat: 2\n");
        await("disabled", () -> plugin("echo").state() == PluginState.STOPPED);
        assertEquals(404, get("/echo/x", false).statusCode());

        Files.writeString(cfg, "plugins:\n  echo:\n    enabled: true\n    greeting: back\n");
        await("enabled again", () -> body("/echo/x").equals("back"));
    }

    @Test
    void aChangeOnePluginCannotRunIsRolledBackEverywhere() throws Exception {
        Path cfg = home.resolve("osprey.yaml");
        Files.writeString(cfg, "plugins:\n  echo:\n    greeting: hi\n");
        start(cfg);
        assertEquals("hi", body("/echo/x"));
        PluginStatus faultyBefore = plugin("faulty");

        // echo takes its change in place first (ids in order), then faulty fails to start with its new section
        Files.writeString(cfg, "plugins:\n  echo:\n    greeting: new\n  faulty:\n    failIn: start\n");
        assertFalse(kernel.reloadConfig());
        assertEquals("hi", body("/echo/x"), "echo is back on its old section");
        assertEquals(PluginState.ACTIVE, plugin("faulty").state(), "faulty runs its old section again");
        assertTrue(plugin("faulty").since().isAfter(faultyBefore.since()), "it was restarted");
        assertEquals("none", kernel.plugins().config().pluginSettings("faulty").path("failIn").asText("none"));
        assertEquals(200, get("/faulty", false).statusCode());
    }

    @Test
    void unknownPluginSectionsAreRejectedWithKeyAndFile() throws Exception {
        Path cfg = home.resolve("osprey.yaml");
        Files.writeString(cfg, "plugins:\n  echo:\n    greeting: hi\n");
        start(cfg);
        Files.writeString(cfg, "plugins:\n  echo:\n    greeting: hey\n  ehco:\n    greeting: x\n");
        assertFalse(kernel.reloadConfig());
        assertEquals("hi", body("/echo/x"));
        ConfigError e = assertThrows(ConfigError.class, () -> kernel.plugins().validate(
                new io.osprey.kernel.config.ConfigLoader(cfg, List.of(), Map.of()).load()));
        assertEquals("plugins.ehco", e.key());
        assertTrue(e.source().endsWith("osprey.yaml"), e.source());
        assertTrue(e.reason().contains("unknown plugin"), e.reason());

        Files.writeString(cfg, "plugins:\n  echo:\n    greeting: hey\n  ehco:\n    enabled: false\n");
        assertTrue(kernel.reloadConfig(), "a section kept for a plugin not installed, disabled, is fine");
        assertEquals("hey", body("/echo/x"));
    }

    private String body(String path) {
        try {
            return get(path, false).body();
        } catch (Exception e) {
            return "";
        }
    }

    @Test
    void webSocketEndpointsWorkAndGoAwayWithTheirPlugin() throws Exception {
        start(null);
        java.util.concurrent.CompletableFuture<String> reply = new java.util.concurrent.CompletableFuture<>();
        java.net.http.WebSocket ws = http.newWebSocketBuilder()
                .buildAsync(URI.create("ws://127.0.0.1:" + kernel.httpPort() + "/ws/x"), new java.net.http.WebSocket.Listener() {
                    @Override
                    public java.util.concurrent.CompletionStage<?> onText(java.net.http.WebSocket w, CharSequence data,
                                                                          boolean last) {
                        reply.complete(data.toString());
                        return null;
                    }
                }).get(5, java.util.concurrent.TimeUnit.SECONDS);
        ws.sendText("hello", true);
        assertEquals("HELLO", reply.get(5, java.util.concurrent.TimeUnit.SECONDS));
        ws.abort();
        HttpResponse<String> plain = get("/ws/x", false);
        assertEquals(200, plain.statusCode(), "a plain GET on a WebSocket path falls through to the HTTP route");
        assertEquals("plain", plain.body());
        assertEquals(4, kernel.host().router().count("echo"), "two HTTP routes, an admin route and a WebSocket route");
        java.util.concurrent.ExecutionException refusedUpgrade = org.junit.jupiter.api.Assertions.assertThrows(
                java.util.concurrent.ExecutionException.class, () -> http.newWebSocketBuilder()
                        .buildAsync(URI.create("ws://127.0.0.1:" + kernel.httpPort() + "/ws/refuse"),
                                new java.net.http.WebSocket.Listener() { }).get(5, java.util.concurrent.TimeUnit.SECONDS));
        assertEquals(403, ((java.net.http.WebSocketHandshakeException) refusedUpgrade.getCause()).getResponse()
                .statusCode(), "a factory that returns null refuses with its status, at once");
        post("/api/plugins/echo/stop");
        assertEquals(0, kernel.host().router().count("echo"));
        java.util.concurrent.ExecutionException refused = org.junit.jupiter.api.Assertions.assertThrows(
                java.util.concurrent.ExecutionException.class, () -> http.newWebSocketBuilder()
                        .buildAsync(URI.create("ws://127.0.0.1:" + kernel.httpPort() + "/ws/x"),
                                new java.net.http.WebSocket.Listener() { }).get(5, java.util.concurrent.TimeUnit.SECONDS));
        assertTrue(refused.getCause() instanceof java.net.http.WebSocketHandshakeException, String.valueOf(refused.getCause()));
    }

    @Test
    void metricsAreExposedInPrometheusText() throws Exception {
        start(null);
        String m = get("/metrics", false).body();
        assertTrue(m.contains("osprey_streams "), m);
        assertTrue(m.contains("osprey_plugin_state{plugin=\"echo\",state=\"active\"} 1"), m);
        assertTrue(m.contains("jvm_memory_used_bytes"), m);
    }
}
