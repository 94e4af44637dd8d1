package io.osprey.plugin.rtmp;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** A self-signed PKCS12 key store for RTMPS tests, made with the JDK's keytool. */
final class TestKeyStore {

    static final String PASSWORD = "osprey-test";

    private TestKeyStore() {
    }

    static Path create(Path dir) throws IOException, InterruptedException {
        Path ks = dir.resolve("rtmps.p12");
        Files.deleteIfExists(ks);
        String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        Process p = new ProcessBuilder(keytool, "-genkeypair", "-alias", "osprey", "-keyalg", "EC", "-groupname",
                "secp256r1", "-dname", "CN=localhost", "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-validity", "2",
                "-storetype", "PKCS12", "-keystore", ks.toString(), "-storepass", PASSWORD, "-keypass", PASSWORD)
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0 || !Files.isRegularFile(ks)) {
            throw new IOException("keytool failed: " + out);
        }
        return ks;
    }
}
