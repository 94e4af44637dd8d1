package io.osprey.bench.scenario;

import io.osprey.bench.MediaGen;
import io.osprey.bench.Options;
import io.osprey.bench.flv.FlvSource;
import io.osprey.bench.report.Result;
import io.osprey.bench.server.OspreyServer;
import io.osprey.bench.server.ProcStats;
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
 * The sources plugin's cost: {@code --publishers N} always-on sources (added through {@code POST /api/sources}),
 * each the bench media looped from its file in real time with its audio converted to AAC, measured over
 * {@code --duration} seconds as CPU and RSS of the server's process tree (JVM + ffmpeg workers). Then the server's
 * sources are removed and the very command lines its workers ran (read from /proc) are run bare, N of them with
 * stdout discarded, and measured the same way: the ratio is what the JVM's reading, parsing and publishing adds.
 */
public final class Sources extends Scenario {

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    public Sources(Options o, FlvSource source) {
        super(o, source);
    }

    @Override
    public String name() {
        return "sources";
    }

    @Override
    public Result run(Server server) throws Exception {
        Result r = new Result(server.name(), name(), server.describe());
        if (!(server instanceof OspreyServer osprey)) {
            return r.fail("the sources scenario measures Osprey's sources plugin only");
        }
        Path media = o.media != null ? o.media : MediaGen.ensure(o.target().resolve("media"));
        int n = Math.max(1, o.publishers);
        sleepSeconds(2);
        ProcStats.Sample idle0 = server.sample();
        sleepSeconds(5);
        ProcStats.Sample idle = server.sample();
        double idleCpu = ProcStats.cpuPercent(idle0, idle);
        for (int i = 0; i < n; i++) {
            String body = "{\"key\": \"" + o.app + "/src-" + i + "\", \"url\": \"" + media.toAbsolutePath()
                    + "\", \"loop\": true, \"audio\": \"aac\"}";
            HttpResponse<String> res = send(osprey, HttpRequest.newBuilder(uri(server, "/api/sources"))
                    .POST(HttpRequest.BodyPublishers.ofString(body)));
            if (res.statusCode() != 201) {
                return r.fail("POST /api/sources answered " + res.statusCode() + ": " + res.body());
            }
        }
        long deadline = System.nanoTime() + 120_000_000_000L;
        int live = 0;
        while (System.nanoTime() < deadline && live < n) {
            live = count(send(osprey, HttpRequest.newBuilder(uri(server, "/api/sources"))).body(), "\"live\"");
            Thread.sleep(500);
        }
        log("%s: %d of %d sources live", server.name(), live, n);
        sleepSeconds(Math.max(o.warmup, 5));
        List<Long> workers = ProcStats.children(server.pid());
        List<String> command = workers.isEmpty() ? List.of() : ProcStats.cmdline(workers.get(0));
        String libs = workers.isEmpty() ? "" : ProcStats.environ(workers.get(0), "LD_LIBRARY_PATH");
        ProcStats.Sample a = server.sample();
        sleepSeconds(o.duration);
        ProcStats.Sample b = server.sample();
        double osp = ProcStats.cpuPercent(a, b);
        r.put("sources", (double) n);
        r.put("live", (double) live);
        r.put("workers", (double) workers.size());
        r.put("CPU % (JVM + workers)", osp);
        r.put("CPU % per source", osp / n);
        r.put("JVM idle CPU % (before)", idleCpu);
        r.put("RSS MB (JVM + workers)", toMb(b.rssBytes()));
        r.put("RSS MB per source", toMb((b.rssBytes() - idle.rssBytes()) / n));
        log("%s: %d sources: CPU %.1f%% (%.2f%% each), RSS %.0f MB", server.name(), n, osp, osp / n,
                toMb(b.rssBytes()));
        for (int i = 0; i < n; i++) {
            send(osprey, HttpRequest.newBuilder(uri(server, "/api/sources/" + o.app + "/src-" + i)).DELETE());
        }
        if (command.isEmpty()) {
            return r.fail("no worker found under the server's process");
        }
        r.note("worker command: " + String.join(" ", command));
        List<Process> bare = new ArrayList<>();
        try {
            for (int i = 0; i < n; i++) {
                ProcessBuilder pb = new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                        .redirectError(ProcessBuilder.Redirect.DISCARD);
                pb.environment().put("LD_LIBRARY_PATH", libs);
                bare.add(pb.start());
            }
            sleepSeconds(Math.max(o.warmup, 5));
            ProcStats.Sample c = ProcStats.sampleAll(bare.stream().map(Process::pid).toList());
            sleepSeconds(o.duration);
            ProcStats.Sample d = ProcStats.sampleAll(bare.stream().map(Process::pid).toList());
            double cpu = ProcStats.cpuPercent(c, d);
            r.put("bare ffmpeg CPU %", cpu);
            r.put("bare ffmpeg RSS MB", toMb(d.rssBytes()));
            r.put("CPU ratio Osprey / bare", cpu > 0 ? osp / cpu : 0);
            r.put("CPU ratio (less idle JVM) / bare", cpu > 0 ? (osp - idleCpu) / cpu : 0);
            log("bare: %d ffmpeg: CPU %.1f%%, RSS %.0f MB; Osprey / bare %.2f", n, cpu, toMb(d.rssBytes()),
                    cpu > 0 ? osp / cpu : 0);
        } finally {
            for (Process p : bare) {
                p.destroy();
            }
            for (Process p : bare) {
                p.waitFor();
            }
        }
        return r;
    }

    private static URI uri(Server server, String path) {
        return URI.create("http://" + Server.HOST + ":" + server.httpPort() + path);
    }

    private HttpResponse<String> send(OspreyServer s, HttpRequest.Builder b) throws IOException, InterruptedException {
        // generous: with hundreds of workers starting on a small machine the admin API answers slowly, not wrongly
        return http.send(b.header("Authorization", "Bearer " + s.adminToken()).timeout(Duration.ofSeconds(60)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static int count(String text, String what) {
        int n = 0;
        for (int i = text.indexOf(what); i >= 0; i = text.indexOf(what, i + 1)) {
            n++;
        }
        return n;
    }


}
