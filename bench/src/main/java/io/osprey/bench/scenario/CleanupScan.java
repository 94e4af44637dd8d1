package io.osprey.bench.scenario;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.osprey.bench.Options;
import io.osprey.bench.flv.FlvSource;
import io.osprey.bench.report.Result;
import io.osprey.bench.server.OspreyServer;
import io.osprey.bench.server.Server;
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

/**
 * The cleanup plugin's scan at scale: {@code --files} small files laid out as {@code --sessions} fmp4-recorder
 * sessions ({@code mp4/bench/s{n}/{yyyyMMdd_HHmmss}/output_merge/seg-*.m4s} plus init and index), then
 * {@code POST /api/cleanup/run?dryRun=true} five times. Reports the plugin's own scan time (the recorder's listing
 * and the walk that never follows links) and the whole run's, and the server's heap after each run: a scan keeps
 * per-session counters only, so the heap stays flat however many files there are.
 */
public final class CleanupScan extends Scenario {

    private static final int RUNS = 5;
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    public CleanupScan(Options o, FlvSource source) {
        super(o, source);
    }

    @Override
    public String name() {
        return "cleanup-scan";
    }

    @Override
    public Result run(Server server) throws Exception {
        if (!(server instanceof OspreyServer osprey)) {
            return Result.unavailable(server.name(), name(), "the cleanup scan is Osprey's own (no peer has one)");
        }
        Result r = new Result(server.name(), name(), server.describe());
        Path tree = osprey.dataDir().resolve("mp4/bench");
        try {
            return measure(osprey, r, tree);
        } finally {
            removeTree(tree); // 100,000 files take 400 MB of blocks: not left in the work folder
        }
    }

    private Result measure(OspreyServer osprey, Result r, Path tree) throws Exception {
        Server server = osprey;
        long t0 = System.nanoTime();
        int files = layOut(tree, o.files, o.sessions);
        log("osprey: %d files in %d sessions laid out in %.1f s", files, o.sessions, (System.nanoTime() - t0) / 1e9);
        List<Long> scans = new ArrayList<>();
        List<Long> runs = new ArrayList<>();
        List<Long> heaps = new ArrayList<>();
        for (int i = 0; i < RUNS; i++) {
            HttpResponse<String> rs = http.send(HttpRequest.newBuilder(URI.create("http://" + Server.HOST + ":"
                    + server.httpPort() + "/api/cleanup/run?dryRun=true")).timeout(Duration.ofMinutes(5))
                    .header("Authorization", "Bearer " + osprey.adminToken())
                    .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            if (rs.statusCode() != 200) {
                return r.fail("POST /api/cleanup/run answered " + rs.statusCode() + ": " + rs.body());
            }
            JsonNode report = JSON.readTree(rs.body());
            if (report.path("scannedFiles").asLong() < files) {
                return r.fail("the scan saw " + report.path("scannedFiles") + " files, not " + files);
            }
            scans.add(report.path("scanMs").asLong());
            runs.add(report.path("tookMs").asLong());
            heaps.add(heapAfterGc(server));
            log("osprey: run %d: scan %d ms, run %d ms, %d sessions, heap after the last GC %.1f MB", i + 1,
                    scans.get(i), runs.get(i), report.path("sessions").asInt(), heaps.get(i) / 1048576.0);
        }
        r.put("files", files).put("sessions", o.sessions);
        r.put("scan ms (first)", scans.get(0));
        r.put("scan ms (best)", scans.stream().mapToLong(Long::longValue).min().orElse(-1));
        r.put("scan ms (worst)", scans.stream().mapToLong(Long::longValue).max().orElse(-1));
        r.put("run ms (worst)", runs.stream().mapToLong(Long::longValue).max().orElse(-1));
        r.put("heap after GC, MB, after each run", heaps.stream().map(h -> toMb(h)).toList().toString());
        r.note("target: a scan of 100,000 files in 2,000 sessions under 2 s with a flat heap");
        return r;
    }

    /** The heap in use after the last collection: the sum of {@code jvm_memory_pool_collection_used_bytes}. */
    private long heapAfterGc(Server server) throws IOException, InterruptedException {
        String body = http.send(HttpRequest.newBuilder(URI.create("http://" + Server.HOST + ":" + server.httpPort()
                + "/metrics")).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString()).body();
        long sum = 0;
        for (String line : body.split("\n")) {
            if (line.startsWith("jvm_memory_pool_collection_used_bytes{")) {
                sum += (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return sum;
    }

    private static void removeTree(Path root) throws IOException {
        if (!Files.isDirectory(root)) {
            return;
        }
        try (java.util.stream.Stream<Path> s = Files.walk(root)) {
            for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /** Lays out {@code files} empty-ish files in {@code sessions} session folders; returns how many. */
    static int layOut(Path root, int files, int sessions) throws IOException {
        int perSession = Math.max(3, files / sessions);
        int made = 0;
        byte[] one = {0};
        for (int s = 0; s < sessions; s++) {
            String name = String.format(java.util.Locale.ROOT, "2025%02d%02d_%02d%02d%02d", 1 + s / 600 % 12,
                    1 + s / 24 % 25, s % 24, s % 60, s / 60 % 60);
            Path dir = Files.createDirectories(root.resolve("s" + (s % 20)).resolve(name).resolve("output_merge"));
            Files.write(dir.resolve("init.mp4"), one);
            Files.write(dir.getParent().resolve("index.json"), one);
            made += 2;
            for (int i = 1; i <= perSession - 2; i++) {
                Files.write(dir.resolve(String.format(java.util.Locale.ROOT, "seg-%05d.m4s", i)), one);
                made++;
            }
        }
        return made;
    }
}
