package io.osprey.distribution;

import io.osprey.testkit.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;

/** ServiceLoader mode: the kernel and both plugins on this test's class path. */
final class InProcessServer extends ServerUnderTest {

    private final TestServer server;
    private final Path config;

    InProcessServer(String configYaml) throws Exception {
        Path home = Files.createTempDirectory("osprey-it");
        config = home.resolve("osprey.yaml");
        Files.writeString(config, configYaml);
        server = TestServer.start(home, config, "server.admin.token=" + TOKEN);
    }

    TestServer server() {
        return server;
    }

    @Override
    int httpPort() {
        return server.httpPort();
    }

    @Override
    int rtmpPort() {
        return server.rtmpPort();
    }

    @Override
    Path configFile() {
        return config;
    }

    @Override
    String log() {
        return "";
    }

    @Override
    public void close() {
        server.close();
    }
}
