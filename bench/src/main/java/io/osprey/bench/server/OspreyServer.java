package io.osprey.bench.server;

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
import java.util.OptionalLong;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * The Osprey distribution ({@code distribution/target/osprey}) started with {@code bin/osprey} and {@code --set}
 * overrides: loopback ports, a data folder in the work folder, live config reload off, and the RTMP connection caps
 * raised so that thousands of loopback connections (one IP) are admitted, as the peers admit them.
 */
public final class OspreyServer extends Server {

    private final Path home;
    private final String hlsTemplate;
    private final String javaOpts;
    private final List<String> extraSets;
    private final String token = "bench-" + UUID.randomUUID();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    public OspreyServer(Path work, Path home, String hlsTemplate, String javaOpts, List<String> extraSets) {
        super("osprey", work);
        this.home = home;
        this.hlsTemplate = hlsTemplate;
        this.javaOpts = javaOpts;
        this.extraSets = new ArrayList<>(extraSets);
    }

    /** One more {@code --set KEY=VALUE} for the next {@link #start} (the cluster scenario's node settings). */
    public void addSet(String keyValue) {
        extraSets.add(keyValue);
    }

    @Override
    public void start() throws IOException, InterruptedException {
        Path script = home.resolve("bin/osprey");
        if (!Files.isRegularFile(script)) {
            throw new IOException("no Osprey distribution at " + home + ": run `mvn -q -DskipTests package` first");
        }
        Files.createDirectories(work);
        List<String> cmd = new ArrayList<>(List.of("sh", script.toString()));
        List<String> sets = new ArrayList<>(List.of("server.http.host=" + HOST, "server.http.port=" + httpPort,
                "plugins.rtmp-ingest.host=" + HOST, "plugins.rtmp-ingest.port=" + rtmpPort,
                "server.dataDir=" + work.resolve("data"), "server.admin.token=" + token,
                "server.configScanIntervalMs=0", "plugins.rtmp-ingest.maxConnections=100000",
                "plugins.rtmp-ingest.maxConnectionsPerIp=100000"));
        sets.addAll(extraSets);
        for (String s : sets) {
            cmd.add("--set");
            cmd.add(s);
        }
        Path log = work.resolve("osprey.log");
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(work.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        if (javaOpts != null && !javaOpts.isBlank()) {
            pb.environment().put("OSPREY_JAVA_OPTS", javaOpts);
        }
        process = pb.start();
        long deadline = System.currentTimeMillis() + 60_000;
        while (true) {
            if (!process.isAlive()) {
                throw new IOException("osprey exited with " + process.exitValue() + ":\n" + Logs.tail(log, 30));
            }
            if (get("/api/health") == 200) {
                break;
            }
            if (System.currentTimeMillis() > deadline) {
                throw new IOException("osprey not healthy within 60 s:\n" + Logs.tail(log, 30));
            }
            Thread.sleep(100);
        }
        awaitPorts(10_000, log, rtmpPort);
    }

    private int get(String path) throws InterruptedException {
        try {
            return http.send(HttpRequest.newBuilder(URI.create("http://" + HOST + ":" + httpPort + path))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        }
    }

    /** The admin token this server was started with. */
    public String adminToken() {
        return token;
    }

    /** Its data folder ({@code server.dataDir}). */
    public Path dataDir() {
        return work.resolve("data");
    }

    @Override
    public String flvPath(String app, String stream) {
        return "/" + app + "/" + stream + ".flv";
    }

    @Override
    public String wsPath(String app, String stream) {
        return "/" + app + "/" + stream + ".flv";
    }

    @Override
    public String hlsPath(String app, String stream) {
        return hlsTemplate.replace("{app}", app).replace("{stream}", stream);
    }

    @Override
    public OptionalLong heapBytes() {
        return metric("jvm_memory_used_bytes{area=\"heap\"}");
    }

    @Override
    public OptionalLong directBytes() {
        return metric("jvm_buffer_pool_used_bytes{pool=\"direct\"}");
    }

    @Override
    public OptionalLong threads() {
        return metric("jvm_threads_current");
    }

    @Override
    public OptionalLong framesDropped() {
        return metric("osprey_frames_dropped_total");
    }

    /** A counter or gauge from /metrics by its exact name and labels, as a double; 0 if absent. */
    public double counter(String series) throws IOException, InterruptedException {
        String body = http.send(HttpRequest.newBuilder(URI.create("http://" + HOST + ":" + httpPort + "/metrics"))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString()).body();
        for (String line : body.split("\n")) {
            if (line.startsWith(series + " ")) {
                return Double.parseDouble(line.substring(series.length() + 1).trim());
            }
        }
        return 0;
    }

    /** One sample from /metrics (Prometheus text), by its exact name and labels. */
    private OptionalLong metric(String series) {
        try {
            String body = http.send(HttpRequest.newBuilder(URI.create("http://" + HOST + ":" + httpPort + "/metrics"))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString()).body();
            for (String line : body.split("\n")) {
                if (line.startsWith(series + " ")) {
                    return OptionalLong.of((long) Double.parseDouble(line.substring(series.length() + 1).trim()));
                }
            }
        } catch (IOException | RuntimeException e) {
            return OptionalLong.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return OptionalLong.empty();
    }

    @Override
    public String describe() {
        List<String> plugins = new ArrayList<>();
        try (Stream<Path> s = Files.list(home.resolve("plugins"))) {
            s.map(p -> p.getFileName().toString().replaceFirst("^osprey-plugin-", "")
                    .replaceFirst("(-[0-9].*)?\\.jar$", ""))
                    .sorted().forEach(plugins::add);
        } catch (IOException e) {
            plugins.add("?");
        }
        return "Osprey (" + home + "), JDK " + System.getProperty("java.version") + ", OSGi mode, plugins "
                + String.join(" ", plugins) + (javaOpts == null || javaOpts.isBlank() ? ""
                : ", OSPREY_JAVA_OPTS=" + javaOpts) + (extraSets.isEmpty() ? "" : ", --set " + String.join(" ", extraSets));
    }
}
