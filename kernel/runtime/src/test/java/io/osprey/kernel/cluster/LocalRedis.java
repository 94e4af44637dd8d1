package io.osprey.kernel.cluster;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * A real {@code redis-server} (Debian's, installed by {@code .ci/deps}) for the cluster tests of this module, on a
 * given loopback port with nothing persisted, and the polling those tests share. (The testkit's {@code RedisServer}
 * serves the modules above the runtime; the runtime's own tests cannot depend on the testkit.)
 */
final class LocalRedis {

    static final Path EXECUTABLE = Path.of("/usr/bin/redis-server");

    private LocalRedis() {
    }

    /** Starts redis-server on {@code port} and waits until it listens. */
    static Process start(int port) throws IOException {
        return start(port, Files.createTempDirectory("redis"), "--port", String.valueOf(port));
    }

    /**
     * Starts redis-server in {@code dir} with {@code args} (after a config file, if the first is one) plus loopback,
     * no persistence; waits until {@code port} listens.
     */
    static Process start(int port, Path dir, String... args) throws IOException {
        java.util.List<String> cmd = new java.util.ArrayList<>(java.util.List.of(EXECUTABLE.toString()));
        cmd.addAll(java.util.List.of(args));
        cmd.addAll(java.util.List.of("--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir",
                dir.toString()));
        Process redis = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(dir.resolve("log-" + port).toFile()).start();
        await(() -> {
            try (Socket s = new Socket("127.0.0.1", port)) {
                return true;
            } catch (IOException e) {
                return false;
            }
        }, "redis-server to listen");
        return redis;
    }

    /** Polls {@code c} every 20 ms for up to 10 s. */
    static void await(BooleanSupplier c, String what) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!c.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
