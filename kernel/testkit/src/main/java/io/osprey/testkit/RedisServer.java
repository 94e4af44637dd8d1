package io.osprey.testkit;

import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A real {@code redis-server} (the Debian package, see {@code .ci/deps}) on a free port of 127.0.0.1, with no
 * persistence; {@link #kill} and {@link #start} again on the same port simulate an outage. Close to stop it.
 */
public final class RedisServer implements AutoCloseable {

    private final int port;
    private final Path dir;
    private Process process;

    private RedisServer(int port, Path dir) {
        this.port = port;
        this.dir = dir;
    }

    /** Whether the {@code redis-server} executable is installed. */
    public static boolean available() {
        return Files.isExecutable(Path.of("/usr/bin/redis-server"));
    }

    public static RedisServer start() throws IOException {
        RedisServer r = new RedisServer(FreePorts.next(), Files.createTempDirectory("redis-test"));
        r.restart();
        return r;
    }

    public int port() {
        return port;
    }

    /** The running redis-server's process id (for its CPU time). */
    public synchronized long pid() {
        return process.pid();
    }

    public String url() {
        return "redis://127.0.0.1:" + port;
    }

    /** Starts it (again) on the same port and waits until it accepts connections. */
    public synchronized void restart() throws IOException {
        if (process != null && process.isAlive()) {
            return;
        }
        process = new ProcessBuilder("/usr/bin/redis-server", "--port", String.valueOf(port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no", "--dir", dir.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("redis.log").toFile()).start();
        Await.until("redis-server on port " + port, Duration.ofSeconds(10), () -> {
            try (Socket s = new Socket("127.0.0.1", port)) {
                return true;
            } catch (IOException e) {
                return false;
            }
        });
    }

    /** Kills it (SIGKILL): everything it held is gone, as in a crash. */
    public synchronized void kill() throws InterruptedException {
        if (process != null) {
            process.destroyForcibly();
            process.waitFor();
        }
    }

    @Override
    public void close() throws InterruptedException {
        kill();
    }
}
