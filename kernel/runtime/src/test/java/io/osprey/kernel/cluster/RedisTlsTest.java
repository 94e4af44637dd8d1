package io.osprey.kernel.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.osprey.kernel.bus.Bus;
import io.osprey.kernel.bus.BusSettings;
import io.osprey.kernel.config.ClusterConfig;
import io.osprey.spi.ConfigException;
import io.osprey.spi.bus.PublishRequest;
import io.osprey.spi.bus.StreamBusyException;
import io.osprey.spi.bus.StreamKey;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code rediss://} against Debian's redis-server with TLS only ({@code --port 0 --tls-port}), its certificate made
 * here by openssl: trusted through {@code cluster.tlsCaFile} it carries claims; untrusted, or naming another host,
 * Redis counts as unreachable.
 */
class RedisTlsTest {

    private final ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2);
    private Process redis;

    @AfterEach
    void stop() throws Exception {
        scheduler.shutdownNow();
        if (redis != null) {
            redis.destroyForcibly().waitFor();
        }
    }

    @Test
    void claimsOverTlsWithAPrivateCertificateAndNothingElse() throws Exception {
        assumeTrue(Files.isExecutable(LocalRedis.EXECUTABLE), "redis-server not installed (.ci/deps)");
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/openssl")), "openssl not installed");
        Path dir = Files.createTempDirectory("redis-tls");
        Path cert = dir.resolve("cert.pem");
        Path other = dir.resolve("other.pem");
        openssl(dir, "cert.pem", "key.pem", "subjectAltName=IP:127.0.0.1,DNS:localhost");
        openssl(dir, "other.pem", "other-key.pem", "subjectAltName=DNS:redis.example");
        int port = LocalRedis.freePort();
        redis = LocalRedis.start(port, dir, "--port", "0", "--tls-port", String.valueOf(port), "--tls-cert-file",
                cert.toString(), "--tls-key-file", dir.resolve("key.pem").toString(), "--tls-auth-clients", "no");
        String url = "rediss://127.0.0.1:" + port;

        ClusterConfig trusted = config(url, cert.toString());
        try (ClusterRedis a = new ClusterRedis(trusted, "a", scheduler);
             ClusterRedis b = new ClusterRedis(trusted, "b", scheduler)) {
            assertTrue(a.up() && b.up(), "TLS handshake with the trusted certificate");
            StreamKey key = new StreamKey("live", "tls");
            Bus busA = new Bus(BusSettings.DEFAULT, Runnable::run, scheduler);
            busA.claims(new StreamClaims(a, "a", "http://a:8080"));
            Bus busB = new Bus(BusSettings.DEFAULT, Runnable::run, scheduler);
            busB.claims(new StreamClaims(b, "b", "http://b:8080"));
            busA.publish(key, new PublishRequest("rtmp", null, false, null));
            assertThrows(StreamBusyException.class, () -> busB.publish(key, new PublishRequest("rtmp", null, false,
                    null)));
            assertEquals("http://a:8080", a.call(j -> j.get("osprey:stream:live/tls")).split(" ", 3)[2]);
        }
        // the JVM's trust store does not know the certificate; plain TCP to the TLS port gets nowhere either
        try (ClusterRedis untrusted = new ClusterRedis(config(url, ""), "c", scheduler);
             ClusterRedis plain = new ClusterRedis(config("redis://127.0.0.1:" + port, ""), "e", scheduler)) {
            assertFalse(untrusted.up());
            assertFalse(plain.up());
        }
        // a trusted certificate that names another host fails the host check
        int port2 = LocalRedis.freePort();
        Process named = LocalRedis.start(port2, dir, "--port", "0", "--tls-port", String.valueOf(port2),
                "--tls-cert-file", other.toString(), "--tls-key-file", dir.resolve("other-key.pem").toString(),
                "--tls-auth-clients", "no");
        try (ClusterRedis wrongHost = new ClusterRedis(config("rediss://127.0.0.1:" + port2, other.toString()), "d",
                scheduler)) {
            assertFalse(wrongHost.up());
        } finally {
            named.destroyForcibly().waitFor();
        }
    }

    @Test
    void aCaFileNeedsRedissAndAReadableFile() {
        ClusterConfig c = config("redis://127.0.0.1:6379", "/nonexistent.pem");
        ConfigException e = assertThrows(ConfigException.class, c::validate);
        assertTrue(e.getMessage().contains("tlsCaFile") && e.getMessage().contains("rediss://"), e.getMessage());
        ClusterConfig d = config("rediss://127.0.0.1:6379", "/nonexistent.pem");
        e = assertThrows(ConfigException.class, d::validate);
        assertTrue(e.getMessage().contains("cannot read"), e.getMessage());
    }

    private static ClusterConfig config(String url, String ca) {
        ClusterConfig c = new ClusterConfig();
        c.redisUrl = url;
        c.tlsCaFile = ca;
        c.timeoutMs = 2_000; // a TLS handshake on a loaded machine
        return c;
    }

    /** A self-signed certificate and its key (RSA 2048, one day) with the given subject alternative names. */
    private static void openssl(Path dir, String cert, String key, String san) throws Exception {
        Process p = new ProcessBuilder("/usr/bin/openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout",
                key, "-out", cert, "-days", "1", "-subj", "/CN=osprey-test", "-addext", san).directory(dir.toFile())
                .redirectErrorStream(true).redirectOutput(dir.resolve("openssl.log").toFile()).start();
        assertEquals(0, p.waitFor(), Files.readString(dir.resolve("openssl.log")));
    }
}
