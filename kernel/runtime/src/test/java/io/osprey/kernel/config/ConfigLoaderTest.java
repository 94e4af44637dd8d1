package io.osprey.kernel.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.osprey.spi.ConfigException;
import io.osprey.spi.PluginConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {

    @TempDir
    Path dir;

    /** A plugin config for binding tests. */
    public static final class RtmpLike implements PluginConfig {
        public int port = 1935;
        public boolean takeover;

        @Override
        public void validate() {
            ConfigException.check(port > 0 && port < 65536, "port", "must be 1..65535, was " + port);
        }
    }

    /** Like the hls config: a method taking one argument whose name starts with "set". */
    public static final class WithSetterLikeMethods {
        public int segmentMs = 2000;

        public String settings(String app) {
            return app;
        }

        public void setup(int x) {
            segmentMs = x;
        }

        public java.util.List<String> getNames() {
            return new java.util.ArrayList<>();
        }
    }

    @Test
    void onlyFieldsAreKeysNotSetterLikeMethods() throws Exception {
        Config ok = load("plugins:\n  hls:\n    segmentMs: 1000\n", List.of(), Map.of());
        assertEquals(1000, ((WithSetterLikeMethods) ok.bindPlugin("hls", WithSetterLikeMethods.class)).segmentMs);
        for (String key : List.of("tings", "up", "names")) {
            Config c = load("plugins:\n  hls:\n    " + key + ": [x]\n", List.of(), Map.of());
            ConfigError e = assertThrows(ConfigError.class, () -> c.bindPlugin("hls", WithSetterLikeMethods.class));
            assertEquals("plugins.hls." + key, e.key());
            assertTrue(e.reason().contains("unknown key"), e.reason());
            // the list of valid keys names the fields only (issue 23: it listed "tings" for hls)
            assertEquals("unknown key; known keys: [segmentMs]", e.reason());
            assertTrue(e.source().endsWith("osprey.yaml"), e.source());
        }
    }

    private Config load(String yaml, List<String> sets, Map<String, String> env) throws Exception {
        Path f = dir.resolve("osprey.yaml");
        Files.writeString(f, yaml);
        return new ConfigLoader(f, sets, env).load();
    }

    @Test
    void httpsAndPublicAddressesAreCheckedWithTheKey() throws Exception {
        Config c = new ConfigLoader(null, List.of("server.publicRtmpUrl=rtmp://live.example.com:19350",
                "server.https.certFile=c.pem", "server.https.keyFile=k.pem"), Map.of()).load();
        assertEquals("rtmp://live.example.com:19350", c.server().publicRtmpUrl);
        assertTrue(c.server().https.enabled());
        assertFalse(new ConfigLoader(null, List.of(), Map.of()).load().server().https.enabled(), "off by default");
        for (String[] bad : new String[][] {{"server.publicRtmpUrl=http://x/live", "publicRtmpUrl"},
                {"server.publicHost=http://example.com", "publicHost"},
                {"server.https.certFile=c.pem", "https.keyFile"},
                {"server.https.port=70000", "https.port"}}) {
            ConfigError e = assertThrows(ConfigError.class, () -> new ConfigLoader(null, List.of(bad[0]), Map.of()).load());
            assertTrue(e.getMessage().contains(bad[1]), bad[0] + " -> " + e.getMessage());
        }
    }

    @Test
    void defaultsApplyWithoutAFile() throws Exception {
        Config c = new ConfigLoader(null, List.of(), Map.of()).load();
        assertEquals(8080, c.server().http.port);
        assertEquals("data", c.server().dataDir);
        assertEquals(1935, c.pluginSettings("rtmp-ingest").get("port").asInt());
        assertTrue(c.pluginEnabled("httpflv"));
        assertTrue(c.pluginEnabled("never-heard-of"));
    }

    /** bin/osprey reads OSPREY_JAVA_OPTS itself; the kernel must not refuse to start over it. */
    @Test
    void theLaunchersJavaOptionsAreNotAConfigKey() throws Exception {
        Config c = new ConfigLoader(null, List.of(), Map.of("OSPREY_JAVA_OPTS", "-Xmx1g",
                "OSPREY_SERVER_HTTP_PORT", "18080")).load();
        assertEquals(18080, c.server().http.port);
    }

    @Test
    void fileThenEnvironmentThenSetEachOverride() throws Exception {
        Config c = load("server:\n  http:\n    port: 9000\n  dataDir: /tmp/x\nplugins:\n  rtmp-ingest:\n    port: 1000\n",
                List.of("server.dataDir=/srv/osprey", "plugins.httpflv.enabled=false"),
                Map.of("OSPREY_SERVER_HTTP_PORT", "18080", "OSPREY_PLUGINS_RTMP_INGEST_PORT", "19350", "PATH", "/bin",
                        "OSPREY_JAVA_OPTS", "-Xmx1g")); // bin/osprey's JVM options are not a config key
        assertEquals(18080, c.server().http.port);
        assertEquals("/srv/osprey", c.server().dataDir);
        assertEquals(19350, c.pluginSettings("rtmp-ingest").get("port").asInt());
        assertFalse(c.pluginEnabled("httpflv"));
        RtmpLike r = (RtmpLike) c.bindPlugin("rtmp-ingest", RtmpLike.class);
        assertEquals(19350, r.port);
    }

    @Test
    void environmentNamesResolveAgainstKnownKeys() {
        com.fasterxml.jackson.databind.node.ObjectNode tree = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
        tree.putObject("server").put("dataDir", "x").putObject("http").put("port", 1);
        tree.putObject("plugins").putObject("rtmp-ingest").put("port", 1);
        assertEquals("server.http.port", ConfigLoader.resolveEnv(tree, "SERVER_HTTP_PORT"));
        assertEquals("server.dataDir", ConfigLoader.resolveEnv(tree, "SERVER_DATADIR"));
        assertEquals("plugins.rtmp-ingest.port", ConfigLoader.resolveEnv(tree, "PLUGINS_RTMP_INGEST_PORT"));
        assertEquals("plugins.hls.window", ConfigLoader.resolveEnv(tree, "PLUGINS_HLS_WINDOW"));
    }

    @Test
    void badValuesNameKeyFileAndReason() throws Exception {
        ConfigError e = assertThrows(ConfigError.class, () -> load("server:\n  http:\n    port: lots\n", List.of(), Map.of()));
        assertEquals("server.http.port", e.key());
        assertTrue(e.source().endsWith("osprey.yaml"));
        assertTrue(e.getMessage().contains("'lots' is not a valid whole number"), e.getMessage());

        e = assertThrows(ConfigError.class, () -> load("server:\n  http:\n    port: 70000\n", List.of(), Map.of()));
        assertEquals("server.http.port", e.key());
        assertTrue(e.reason().contains("0..65535"), e.reason());

        e = assertThrows(ConfigError.class, () -> load("server:\n  htp:\n    port: 1\n", List.of(), Map.of()));
        assertEquals("server.htp", e.key());
        assertTrue(e.reason().contains("unknown key"), e.reason());

        e = assertThrows(ConfigError.class, () -> load("plugins:\n  httpflv:\n    enabled: maybe\n", List.of(), Map.of()));
        assertEquals("plugins.httpflv.enabled", e.key());

        e = assertThrows(ConfigError.class, () -> load("server: [1, 2\n", List.of(), Map.of()));
        assertTrue(e.reason().contains("not valid YAML at line"), e.reason());

        e = assertThrows(ConfigError.class, () -> load("", List.of("server.http.port=x"), Map.of()));
        assertEquals("--set server.http.port", e.source());

        e = assertThrows(ConfigError.class, () -> load("", List.of(), Map.of("OSPREY_SERVER_HTTP_PORT", "-5")));
        assertEquals("environment variable OSPREY_SERVER_HTTP_PORT", e.source());
    }

    @Test
    void pluginSectionsBindToTheirTypeWithKeyedErrors() throws Exception {
        Config c = load("plugins:\n  rtmp-ingest:\n    port: 0\n", List.of(), Map.of());
        ConfigError e = assertThrows(ConfigError.class, () -> c.bindPlugin("rtmp-ingest", RtmpLike.class));
        assertEquals("plugins.rtmp-ingest.port", e.key());
        assertTrue(e.reason().contains("1..65535"));

        Config c2 = load("plugins:\n  rtmp-ingest:\n    prot: 1\n", List.of(), Map.of());
        e = assertThrows(ConfigError.class, () -> c2.bindPlugin("rtmp-ingest", RtmpLike.class));
        assertEquals("plugins.rtmp-ingest.prot", e.key());
        assertTrue(e.reason().contains("unknown key"));

        Config c3 = load("plugins:\n  rtmp-ingest:\n    takeover: sometimes\n", List.of(), Map.of());
        e = assertThrows(ConfigError.class, () -> c3.bindPlugin("rtmp-ingest", RtmpLike.class));
        assertEquals("plugins.rtmp-ingest.takeover", e.key());
    }

    /** A config class like fmp4-recorder's and httpflv's: keys the built-in defaults do not name. */
    public static final class Recorder implements PluginConfig {
        @io.osprey.spi.Setting(value = "How long a viewer write may stay pending, ms.", min = 1000)
        public long stallMs = 10_000;
        @io.osprey.spi.Setting(value = "Recording mode.", allowed = {"merged", "separate", "both"})
        public String mode = "merged";

        @Override
        public void validate() {
        }
    }

    @Test
    void pluginVariablesResolveAgainstTheInstalledConfigClasses() throws Exception {
        PluginTypes types = new PluginTypes() {
            @Override
            public java.util.Set<String> ids() {
                return java.util.Set.of("fmp4-recorder", "fmp4", "httpflv");
            }

            @Override
            public Class<?> configType(String id) {
                return Recorder.class;
            }
        };
        Config c = new ConfigLoader(null, List.of(), Map.of("OSPREY_PLUGINS_FMP4_RECORDER_ENABLED", "false",
                "OSPREY_PLUGINS_HTTPFLV_STALLMS", "4000", "OSPREY_PLUGINS_FMP4_MODE", "both")).pluginTypes(types).load();
        assertFalse(c.pluginEnabled("fmp4-recorder"), "the longest id wins: fmp4-recorder, not fmp4");
        assertTrue(c.pluginEnabled("fmp4"));
        assertEquals(4000, ((Recorder) c.bindPlugin("httpflv", Recorder.class)).stallMs, "stallMs from the class");
        assertEquals("both", ((Recorder) c.bindPlugin("fmp4", Recorder.class)).mode);
        ConfigError e = assertThrows(ConfigError.class, () -> new ConfigLoader(null, List.of(),
                Map.of("OSPREY_PLUGINS_HTTPFLV_MODE", "all")).pluginTypes(types).load()
                .bindPlugin("httpflv", Recorder.class));
        assertEquals("plugins.httpflv.mode", e.key());
        assertEquals("environment variable OSPREY_PLUGINS_HTTPFLV_MODE", e.source());
        assertEquals("must be merged, separate or both, was all", e.reason());
        Config unknown = new ConfigLoader(null, List.of(), Map.of("OSPREY_PLUGINS_HSL_WINDOW", "3"))
                .pluginTypes(types).load();
        e = assertThrows(ConfigError.class, () -> unknown.checkPluginEnv(types.ids()));
        assertEquals("OSPREY_PLUGINS_HSL_WINDOW", e.key());
    }

    @Test
    void busRetainMsHasOneDefault() throws Exception {
        Config c = new ConfigLoader(null, List.of(), Map.of()).load();
        assertEquals(io.osprey.kernel.bus.BusSettings.DEFAULT.retainMillis(), c.bus().retainMs,
                "defaults.yaml and BusSettings agree");
        assertEquals(io.osprey.kernel.bus.BusSettings.DEFAULT.retainMillis(), new BusConfig().retainMs);
        String sample = Files.readString(Path.of("../../distribution/src/main/dist/conf/osprey.yaml"));
        assertTrue(sample.contains("retainMs: " + io.osprey.kernel.bus.BusSettings.DEFAULT.retainMillis()),
                "conf/osprey.yaml shows the same default");
    }
}
