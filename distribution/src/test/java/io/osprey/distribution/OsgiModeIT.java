package io.osprey.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.osprey.testkit.Await;
import io.osprey.testkit.Ffmpeg;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarInputStream;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The media path on the assembled distribution (embedded Felix, plugins as bundles), plus hot swaps. */
class OsgiModeIT extends MediaPathContract {

    private static DistributionProcess server;
    private static Process publisher;

    @BeforeAll
    static void start() throws Exception {
        server = new DistributionProcess(CONFIG);
        server.awaitReady();
        publisher = publish(server, server.home().resolve("ffmpeg-publish.log"));
    }

    @AfterAll
    static void stop() throws Exception {
        Ffmpeg.stop(publisher);
        if (server != null) {
            int code = server.terminate();
            String log = server.log();
            assertEquals(143, code, "SIGTERM ends the JVM after the shutdown hook:\n" + log);
            assertTrue(log.contains("stopping"), log);
        }
    }

    @Override
    ServerUnderTest server() {
        return server;
    }

    @Override
    Process publisher() {
        return publisher;
    }

    @Test
    void startsInOsgiModeAndLogsItsStartTime() throws Exception {
        String log = server.log();
        Matcher m = Pattern.compile("ready (\\d+) ms after JVM start \\(kernel start \\d+ ms, OSGi mode\\)").matcher(log);
        assertTrue(m.find(), log);
        assertTrue(log.contains("plugins: auth active, cleanup active, fmp4-recorder active, hls active,"
                + " httpflv active, pass-through-muxer active, ratelimit active, rtmp-ingest active, sources active, transcode active"), log);
        assertTrue(server.get("/api/plugins").body().contains("bundle osprey-plugin-httpflv.jar"));
    }

    @Test
    void aRebuiltJarCopiedOverTheOldOneIsUpdatedInPlace() throws Exception {
        Path jar = server.home().resolve("plugins/osprey-plugin-httpflv.jar");
        String version = "0.1.0.hotswap" + System.nanoTime();
        Path rebuilt = server.home().resolve("httpflv-rebuilt.jar");
        withVersion(jar, rebuilt, version);
        Files.move(rebuilt, jar, StandardCopyOption.REPLACE_EXISTING);
        Await.until("the new version to be active", Duration.ofSeconds(20), () -> {
            try {
                String p = server.get("/api/plugins/httpflv").body();
                return p.contains(version) && p.contains("\"state\" : \"active\"");
            } catch (Exception e) {
                return false;
            }
        });
        assertEquals(200, server.flvStatus("/live/test.flv"));
    }

    @Test
    void aRemovedJarIsUninstalledAndComesBackWhenCopiedIn() throws Exception {
        Path jar = server.home().resolve("plugins/osprey-plugin-httpflv.jar");
        Path aside = server.home().resolve("httpflv-aside.jar");
        Files.move(jar, aside);
        Await.until("httpflv uninstalled", Duration.ofSeconds(10), () -> {
            try {
                return server.get("/api/plugins/httpflv").statusCode() == 404;
            } catch (Exception e) {
                return false;
            }
        });
        assertEquals(404, server.flvStatus("/live/test.flv"));
        Files.move(aside, jar);
        Await.until("httpflv back", Duration.ofSeconds(10), () -> server.flvStatus("/live/test.flv") == 200);
    }

    /** Copies a bundle with another Bundle-Version, as a rebuild would make it. */
    private static void withVersion(Path in, Path out, String version) throws Exception {
        try (JarInputStream src = new JarInputStream(Files.newInputStream(in))) {
            Manifest mf = new Manifest(src.getManifest());
            mf.getMainAttributes().put(new Attributes.Name("Bundle-Version"), version);
            try (JarOutputStream dst = new JarOutputStream(Files.newOutputStream(out), mf)) {
                JarEntry e;
                while ((e = src.getNextJarEntry()) != null) {
                    dst.putNextEntry(new JarEntry(e.getName()));
                    src.transferTo(dst);
                    dst.closeEntry();
                }
            }
        }
    }

    @Test
    void aPortInUseFailsStartUpWithExitCodeOneAndTheReason() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("0.0.0.0"))) {
            try (DistributionProcess p = new DistributionProcess(CONFIG, "--set",
                    "server.http.port=" + taken.getLocalPort(), "--set", "server.dataDir=" + Files.createTempDirectory("d"))) {
                assertTrue(p.process().waitFor(30, java.util.concurrent.TimeUnit.SECONDS));
                assertEquals(1, p.process().exitValue(), p.log());
                assertTrue(p.log().contains("cannot listen for HTTP"), p.log());
            }
        }
    }

    @Test
    void aBadConfigValueFailsStartUpWithExitCodeTwoNamingTheKey() throws Exception {
        try (DistributionProcess p = new DistributionProcess("plugins:\n  rtmp-ingest:\n    busyPolicy: maybe\n",
                "--set", "server.dataDir=" + Files.createTempDirectory("d"))) {
            assertTrue(p.process().waitFor(30, java.util.concurrent.TimeUnit.SECONDS));
            assertEquals(2, p.process().exitValue(), p.log());
            assertTrue(p.log().contains("plugins.rtmp-ingest.busyPolicy"), p.log());
            assertTrue(p.log().contains("must be reject or takeover"), p.log());
        }
        try (DistributionProcess p = new DistributionProcess("server:\n  http:\n    idleTimeoutMs: soon\n",
                "--set", "server.dataDir=" + Files.createTempDirectory("d"))) {
            assertTrue(p.process().waitFor(30, java.util.concurrent.TimeUnit.SECONDS));
            assertEquals(2, p.process().exitValue(), p.log());
            assertTrue(p.log().contains("server.http.idleTimeoutMs"), p.log());
            assertTrue(p.log().contains("osprey.yaml"), p.log());
        }
    }
}
