package io.osprey.distribution;

import io.osprey.testkit.FreePorts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * OSGi mode: the assembled distribution, copied to a temporary folder (so its plugins folder can be changed),
 * started with {@code bin/osprey} as its own process on free ports.
 */
final class DistributionProcess extends ServerUnderTest {

    private final Path home;
    private final Path log;
    private final Path config;
    private final int httpPort = FreePorts.next();
    private final int rtmpPort = FreePorts.next();
    private final Process process;

    DistributionProcess(String configYaml, String... extraArgs) throws IOException {
        this(configYaml, false, extraArgs);
    }

    /**
     * @param rtmpPortInFile the config sets {@code plugins.rtmp-ingest.port} itself ({@code ${rtmpPort}} in
     *                       {@code configYaml} is replaced by the free port), so that editing the file can change it;
     *                       {@code ${httpPort}} is replaced by the HTTP port in any case
     */
    DistributionProcess(String configYaml, boolean rtmpPortInFile, String... extraArgs) throws IOException {
        this(configYaml, rtmpPortInFile, List.of(), extraArgs);
    }

    /**
     * Started by {@code sh -c '<shell>; exec bin/osprey ...'}, e.g. {@code ulimit -Sn 1024} to start it with a low
     * open-file limit.
     */
    static DistributionProcess underShell(String shell, String configYaml, String... extraArgs) throws IOException {
        return new DistributionProcess(configYaml, false, List.of("sh", "-c", shell + "; exec \"$0\" \"$@\""),
                extraArgs);
    }

    private DistributionProcess(String configYaml, boolean rtmpPortInFile, List<String> launcher, String... extraArgs)
            throws IOException {
        Path dist = Path.of(System.getProperty("osprey.dist", "target/osprey"));
        home = Files.createTempDirectory("osprey-dist");
        copy(dist, home);
        config = home.resolve("conf/osprey.yaml");
        Files.writeString(config, configYaml.replace("${rtmpPort}", String.valueOf(rtmpPort))
                .replace("${httpPort}", String.valueOf(httpPort)));
        log = home.resolve("server.log");
        List<String> cmd = new ArrayList<>(launcher);
        cmd.addAll(List.of(home.resolve("bin/osprey").toString(),
                "--set", "server.http.port=" + httpPort,
                "--set", "server.admin.token=" + TOKEN, "--set", "server.configScanIntervalMs=200",
                "--set", "server.plugins.scanIntervalMs=200"));
        if (!rtmpPortInFile) {
            cmd.addAll(List.of("--set", "plugins.rtmp-ingest.port=" + rtmpPort));
        }
        cmd.addAll(List.of(extraArgs));
        process = new ProcessBuilder(cmd).directory(home.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
    }

    private static void copy(Path from, Path to) throws IOException {
        try (Stream<Path> all = Files.walk(from)) {
            for (Path p : (Iterable<Path>) all::iterator) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else if (p.getParent().getFileName().toString().equals("lib")) {
                    Files.createSymbolicLink(target, p.toAbsolutePath());
                } else {
                    Files.copy(p, target, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
    }

    Path home() {
        return home;
    }

    Process process() {
        return process;
    }

    /** Waits until {@code /api/health} answers, or the process dies. */
    void awaitReady() throws Exception {
        awaitReady(60);
    }

    /** Waits up to {@code seconds} until {@code /api/health} answers, or the process dies. */
    void awaitReady(int seconds) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError("server exited with " + process.exitValue() + ":\n" + log());
            }
            try {
                if (get("/api/health").statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(50);
        }
        throw new AssertionError("server not ready in " + seconds + " s:\n" + log());
    }

    @Override
    int httpPort() {
        return httpPort;
    }

    @Override
    int rtmpPort() {
        return rtmpPort;
    }

    @Override
    Path configFile() {
        return config;
    }

    @Override
    String log() throws IOException {
        return Files.exists(log) ? Files.readString(log) : "";
    }

    /** SIGTERM, then waits for the exit code. */
    int terminate() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
        return process.exitValue();
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            terminate();
        }
    }
}
