package io.osprey.bench.scenario;

import io.osprey.bench.MediaGen;
import io.osprey.bench.Options;
import io.osprey.bench.flv.FlvSource;
import io.osprey.bench.report.Machine;
import io.osprey.bench.report.Result;
import io.osprey.bench.report.Stats;
import io.osprey.bench.server.OspreyServer;
import io.osprey.bench.server.ProcStats;
import io.osprey.bench.server.Server;
import io.osprey.testkit.Ffmpeg;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The pass-through muxer against the seed's own approach. A 50 MB MP4 is served by a loopback file server in this
 * process; for each N of {@code --downloads}, {@code --rounds} rounds of N concurrent downloads through Osprey
 * ({@code GET /api/passthrough/download?url=…}, read by this process) and of N bare
 * {@code ffmpeg -i URL -c copy -movflags frag_keyframe+empty_moov -f mp4 pipe:} children whose stdout this process
 * reads (once with the environment a shell gives it, once with the glibc malloc settings read from the running
 * server's environment, which Osprey's children inherit), and of N of the same command serving its download to this
 * process's HTTP client itself ({@code -listen 1 http://…}, the server's malloc environment: the like-for-like side,
 * which delivers the same bytes over the same kind of connection to the same reader), the order alternating, after a
 * warm-up that lasts until the server's JIT has settled. CPU: the server's process tree with its reaped ffmpeg
 * children (stat fields 14-17) against this process's reaped bare children (cutime + cstime); the readers and the
 * file server are this process and count on neither side. First byte: from the request (or the spawn) to the first
 * byte of the body (or stdout).
 */
public final class Passthrough extends Scenario {

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final java.util.concurrent.atomic.AtomicLong unique = new java.util.concurrent.atomic.AtomicLong();
    /**
     * The glibc malloc settings Osprey's ffmpeg children run with when the server's environment lacks them (the
     * kernel's worker service sets these); {@link #serverMalloc} reads the ones the running server really has.
     */
    private static final java.util.Map<String, String> WORKER_MALLOC = java.util.Map.of("MALLOC_MMAP_THRESHOLD_",
            "4194304", "MALLOC_TRIM_THRESHOLD_", "134217728", "MALLOC_ARENA_MAX", "4");
    /**
     * Short downloads (two seconds of the source) before the long warm-up: code that runs once per download reaches
     * the JIT's thresholds only after hundreds of downloads, and 60 long ones still left the measured rounds paying
     * 10-40 ms of compiling per download (session 11).
     */
    static final int SHORT_WARMUP = 400;
    /** Warm-up iterations (the most concurrent downloads measured, at least 2, then 1 bare) at least and at most. */
    static final int MIN_WARMUP = 4;
    static final int MAX_WARMUP = 15;
    /**
     * Rounds unless {@code --rounds} says otherwise: CPU is read in 10 ms ticks, so one 50 MB download is +-0.2 ms/MB
     * (+-5 %), and three rounds moved the like-for-like ratio by 0.1 from run to run (session 12).
     */
    static final int DEFAULT_ROUNDS = 10;
    /** The JIT has settled when the server's compiler threads took less than this per warm-up download, seconds. */
    static final double JIT_SETTLED_SECONDS = 0.010;

    public Passthrough(Options o, FlvSource source) {
        super(o, source);
    }

    @Override
    public String name() {
        return "passthrough";
    }

    /**
     * One side of one round: CPU seconds, bytes, first-byte times (ms), peak memory per download (bytes) and, for
     * Osprey, its own split of the first byte (ms, means from its metrics): before ffmpeg starts, and ffmpeg's own.
     */
    private record Round(double cpu, long bytes, double[] ttfbMs, long memPerDownload, double prepareMs,
                         double workerMs, double jvmCpu, double wallSeconds, double jitCpu) {
        double msPerMb() {
            return cpu * 1000 / (bytes / 1e6);
        }
    }

    @Override
    public Result run(Server server) throws Exception {
        if (!(server instanceof OspreyServer osprey)) {
            return Result.unavailable(server.name(), name(), "the pass-through muxer is Osprey's own");
        }
        Result r = new Result(server.name(), name(), server.describe());
        Path media = MediaGen.passthroughSource(o.target().resolve("media"));
        Path cut = MediaGen.passthroughShort(o.target().resolve("media"));
        String ffmpeg = Ffmpeg.ffmpeg();
        try (FileServer files = new FileServer(media.getParent())) {
            String src = files.url(media.getFileName().toString());
            String via = "http://" + Server.HOST + ":" + server.httpPort() + "/api/passthrough/download?url="
                    + URLEncoder.encode(src + "?d=", StandardCharsets.UTF_8);
            log("osprey: source %s (%.1f MB); warming up", src, java.nio.file.Files.size(media) / 1e6);
            java.util.Map<String, String> malloc = serverMalloc(osprey.pid());
            int conc = Math.max(2, o.downloads.stream().mapToInt(Integer::intValue).max().orElse(2));
            String viaShort = "http://" + Server.HOST + ":" + server.httpPort() + "/api/passthrough/download?url="
                    + URLEncoder.encode(files.url(cut.getFileName().toString()) + "?d=", StandardCharsets.UTF_8);
            int warm = warmup(osprey, via, viaShort, ffmpeg, src, malloc, conc);
            int rounds = o.rounds > 0 ? o.rounds : DEFAULT_ROUNDS;
            for (int n : o.downloads) {
                List<Round> os = new ArrayList<>();
                List<Round> ff = new ArrayList<>();
                List<Round> fm = new ArrayList<>();
                List<Round> fs = new ArrayList<>();
                String load0 = Machine.loadAverage();
                for (int round = 0; round < rounds; round++) {
                    if (round % 2 == 0) { // alternate who goes first, so a burst of other load hits all alike
                        os.add(osprey(osprey, via, n));
                        ff.add(bare(ffmpeg, src, n, null));
                        fm.add(bare(ffmpeg, src, n, malloc));
                        fs.add(served(ffmpeg, src, n, malloc));
                    } else {
                        fs.add(served(ffmpeg, src, n, malloc));
                        fm.add(bare(ffmpeg, src, n, malloc));
                        ff.add(bare(ffmpeg, src, n, null));
                        os.add(osprey(osprey, via, n));
                    }
                    log("osprey: N=%d round %d: osprey %.2f ms/MB (JVM %.2f, JIT %.0f ms), first byte %.0f ms"
                            + " (%.0f before ffmpeg, %.0f ffmpeg's); bare ffmpeg %.2f ms/MB (%.2f with the server's"
                            + " malloc env, %.2f serving the download itself), first byte %.0f ms", n, round + 1,
                            os.get(round).msPerMb(), os.get(round).jvmCpu() * 1000 / (os.get(round).bytes() / 1e6),
                            os.get(round).jitCpu() * 1000,
                            mean(os.get(round).ttfbMs()), os.get(round).prepareMs(), os.get(round).workerMs(),
                            ff.get(round).msPerMb(), fm.get(round).msPerMb(), fs.get(round).msPerMb(),
                            mean(ff.get(round).ttfbMs()));
                }
                report(r, n, os, ff, fm, fs);
                r.note(String.format(Locale.ROOT, "N=%d: load average %s before, %s after", n, load0,
                        Machine.loadAverage()));
            }
            r.note(String.format(Locale.ROOT, "warm-up: %d two-second downloads, then %d iterations of %d concurrent"
                    + " downloads through the server and 1 bare ffmpeg, until the server's JIT compiler threads took"
                    + " under %.0f ms per download (at least %d, at most %d iterations); bare ffmpeg with the server's"
                    + " malloc env and ffmpeg serving the download itself ran with the server's own malloc environment %s",
                    SHORT_WARMUP, warm, conc, JIT_SETTLED_SECONDS * 1000, MIN_WARMUP, MAX_WARMUP,
                    new java.util.TreeMap<>(malloc)));
        }
        r.note("target (issue 18): CPU per byte at most 1.1x bare ffmpeg's, first byte under 300 ms; the like-for-like"
                + " ratio is the one that counts: both sides remux with the glibc malloc settings bin/osprey exports and"
                + " deliver the bytes over loopback HTTP to the bench's HttpClient (Osprey through its relay, bare ffmpeg"
                + " through its own -listen server); the pipe sides are ffmpeg writing to a pipe whose reader counts on"
                + " neither side");
        r.note("what runs: Osprey's ffmpeg is the plugin's own command (-v error -protocol_whitelist"
                + " http,https,tcp,tls,crypto -rw_timeout ... -reconnect 0 -i URL -map 0:v:0? -map 0:a:0? -c copy"
                + " -movflags frag_keyframe+empty_moov+default_base_moof -f mp4 pipe:1), read by the kernel's worker"
                + " service and written to the HTTP response; bare is the seed's ffmpeg -i URL -c copy -movflags"
                + " frag_keyframe+empty_moov -f mp4 pipe:, read by the bench, or the same with -listen 1"
                + " http://127.0.0.1:PORT/download.mp4 in place of pipe:, fetched by the bench");
        return r;
    }

    private void report(Result r, int n, List<Round> os, List<Round> ff, List<Round> fm, List<Round> fs) {
        double[] ratios = perRound(os, ff);
        double osCpu = os.stream().mapToDouble(Round::cpu).sum();
        double ffCpu = ff.stream().mapToDouble(Round::cpu).sum();
        long osBytes = os.stream().mapToLong(Round::bytes).sum();
        long ffBytes = ff.stream().mapToLong(Round::bytes).sum();
        double osMs = msPerMb(os);
        double ffMs = msPerMb(ff);
        String p = "N=" + n + " ";
        r.put(p + "MB/s osprey", Stats.round(osBytes / 1e6 / os.stream().mapToDouble(Round::wallSeconds).sum(), 1));
        r.put(p + "MB/s ffmpeg", Stats.round(ffBytes / 1e6 / ff.stream().mapToDouble(Round::wallSeconds).sum(), 1));
        r.put(p + "CPU s/download osprey", Stats.round(osCpu / (os.size() * n), 2));
        r.put(p + "CPU s/download ffmpeg", Stats.round(ffCpu / (ff.size() * n), 2));
        r.put(p + "CPU ms/MB osprey", Stats.round(osMs, 2));
        r.put(p + "CPU ms/MB ffmpeg", Stats.round(ffMs, 2));
        r.put(p + "CPU ratio to the seed's command (shell env)", Stats.round(osMs / ffMs, 2));
        double fmMs = msPerMb(fm);
        r.put(p + "CPU ms/MB ffmpeg, server's malloc env", Stats.round(fmMs, 2));
        r.put(p + "CPU ratio to it (same malloc env; its stdout read at no cost to it)", Stats.round(osMs / fmMs, 2));
        double fsMs = msPerMb(fs);
        r.put(p + "CPU ms/MB ffmpeg serving the download itself", Stats.round(fsMs, 2));
        r.put(p + "CPU ratio LIKE FOR LIKE (ffmpeg serving it itself; target <= 1.1)", Stats.round(osMs / fsMs, 2));
        double[] served = perRound(os, fs);
        double jvmMs = os.stream().mapToDouble(Round::jvmCpu).sum() * 1000 / (osBytes / 1e6);
        r.put(p + "of which JVM ms/MB", Stats.round(jvmMs, 2));
        r.put(p + "of which JIT compiler threads ms/download", Stats.round(os.stream().mapToDouble(Round::jitCpu).sum()
                * 1000 / (os.size() * n), 1));
        r.put(p + "ratio to the seed's command per round (median)", Stats.round(Stats.percentile(ratios, 50), 2));
        r.put(p + "first byte ms osprey mean", Math.round(mean(all(os))));
        r.put(p + "first byte ms osprey max", Math.round(Arrays.stream(all(os)).max().orElse(0)));
        r.put(p + "first byte ms ffmpeg mean", Math.round(mean(all(ff))));
        r.put(p + "first byte ms ffmpeg serving it mean", Math.round(mean(all(fs))));
        r.put(p + "osprey ms before ffmpeg", Math.round(os.stream().mapToDouble(Round::prepareMs).average().orElse(0)));
        r.put(p + "MB/download osprey", toMb(os.stream().mapToLong(Round::memPerDownload).max().orElse(0)));
        r.put(p + "MB/download ffmpeg", toMb(ff.stream().mapToLong(Round::memPerDownload).max().orElse(0)));
        r.note(String.format(Locale.ROOT, "N=%d: CPU ratio per round to the seed's command %s, like for like %s", n,
                Arrays.toString(Arrays.stream(ratios).map(v -> Stats.round(v, 2)).toArray()),
                Arrays.toString(Arrays.stream(served).map(v -> Stats.round(v, 2)).toArray())));
    }

    /** CPU ms per MB over all rounds of one side. */
    private static double msPerMb(List<Round> side) {
        return side.stream().mapToDouble(Round::cpu).sum() * 1000 / (side.stream().mapToLong(Round::bytes).sum() / 1e6);
    }

    /** Osprey's CPU per MB over the other side's, round by round. */
    private static double[] perRound(List<Round> os, List<Round> other) {
        double[] ratios = new double[os.size()];
        for (int i = 0; i < ratios.length; i++) {
            ratios[i] = os.get(i).msPerMb() / other.get(i).msPerMb();
        }
        return ratios;
    }

    /** N concurrent downloads through the server. */
    private Round osprey(OspreyServer server, String url, int n) throws Exception {
        ProcStats.awaitNoChildren(server.pid(), 10_000);
        long idleRss = server.sample().rssBytes();
        double prepare0 = server.counter("osprey_passthrough_prepare_seconds_total");
        double worker0 = server.counter("osprey_passthrough_first_byte_seconds_total");
        double cpu0 = ProcStats.cpuWithReaped(server.pid());
        double jvm0 = ProcStats.cpuOwn(server.pid());
        double jit0 = jitCpu(server);
        long[] peak = {0};
        long[][] out = concurrently(n, () -> ProcStats.sample(server.pid()).rssBytes(), peak, () -> {
            long t0 = System.nanoTime();
            // a new URL each time: the server keeps a prepared source for a minute, and this measures its first time
            HttpResponse<InputStream> rs = http.send(HttpRequest.newBuilder(URI.create(url + unique.incrementAndGet()))
                    .timeout(Duration.ofSeconds(120)).build(), HttpResponse.BodyHandlers.ofInputStream());
            if (rs.statusCode() != 200) {
                throw new IOException("download answered " + rs.statusCode() + ": "
                        + new String(rs.body().readAllBytes(), StandardCharsets.UTF_8));
            }
            return drain(rs.body(), t0);
        });
        ProcStats.awaitNoChildren(server.pid(), 10_000);
        double cpu = ProcStats.cpuWithReaped(server.pid()) - cpu0;
        Round r = round(out, cpu, Math.max(0, peak[0] - idleRss) / n);
        return new Round(r.cpu(), r.bytes(), r.ttfbMs(), r.memPerDownload(),
                (server.counter("osprey_passthrough_prepare_seconds_total") - prepare0) * 1000 / n,
                (server.counter("osprey_passthrough_first_byte_seconds_total") - worker0) * 1000 / n,
                ProcStats.cpuOwn(server.pid()) - jvm0, r.wallSeconds(), jitCpu(server) - jit0);
    }

    /**
     * Unmeasured downloads first, so the server is measured as it runs for days, JIT-compiled (as {@code hls-serve}
     * does): the download path runs a few hundred Jetty writes per download, so C2 compiles it over the first 15-25
     * downloads, and a fixed 12 left the measured rounds paying 25-45 ms of compiling per download (session 8,
     * docs/pass-through.md). Each iteration runs {@code concurrent} downloads at once, the most measured: four at once
     * made C2 compile again (210 ms in one round) after a warm-up of two at once. Returns the iterations run.
     */
    private int warmup(OspreyServer osprey, String via, String viaShort, String ffmpeg, String src,
                       java.util.Map<String, String> malloc, int concurrent) throws Exception {
        double jitShort = jitCpu(osprey);
        for (int i = 0; i < SHORT_WARMUP; i += concurrent) {
            osprey(osprey, viaShort, concurrent);
        }
        log("osprey: %d short downloads first; the JIT took %.0f ms over them", SHORT_WARMUP,
                (jitCpu(osprey) - jitShort) * 1000);
        for (int i = 1; ; i++) {
            double jit0 = jitCpu(osprey);
            osprey(osprey, via, concurrent);
            double jit = (jitCpu(osprey) - jit0) / concurrent;
            bare(ffmpeg, src, 1, i % 2 == 0 ? malloc : null);
            if ((i >= MIN_WARMUP && jit < JIT_SETTLED_SECONDS) || i == MAX_WARMUP) {
                log("osprey: warmed up with %d downloads; the JIT took %.0f ms per download in the last %d",
                        concurrent * i, jit * 1000, concurrent);
                return i;
            }
        }
    }

    private static double jitCpu(OspreyServer server) {
        return ProcStats.threadCpu(server.pid(), "C1 CompilerThre", "C2 CompilerThre");
    }

    /**
     * The malloc settings of the running server's environment (what {@code bin/osprey} exported, which its ffmpeg
     * children inherit), each one it lacks taken from what the kernel's worker service sets then. Read from the
     * process rather than copied, so the like-for-like side cannot drift from it (it had: 4 arenas against the
     * server's 2).
     */
    static java.util.Map<String, String> serverMalloc(long pid) {
        java.util.Map<String, String> env = new java.util.HashMap<>();
        WORKER_MALLOC.forEach((k, v) -> {
            String actual = ProcStats.environ(pid, k);
            env.put(k, actual.isEmpty() ? v : actual);
        });
        return env;
    }

    /** N bare ffmpeg children, the seed's command; with {@code malloc} (else a shell's environment without it). */
    private Round bare(String ffmpeg, String src, int n, java.util.Map<String, String> malloc) throws Exception {
        return children(n, () -> {
            ProcessBuilder pb = seedCommand(ffmpeg, src, malloc, "pipe:");
            long t0 = System.nanoTime();
            Process p = pb.start();
            p.getOutputStream().close();
            long[] r = drain(p.getInputStream(), t0);
            if (p.waitFor() != 0) {
                throw new IOException("bare ffmpeg exited with " + p.exitValue());
            }
            return r;
        });
    }

    /**
     * N bare ffmpeg children that each serve their download to this process's HTTP client themselves (the seed's
     * command with {@code -listen 1 http://…}: ffmpeg's own HTTP server, chunked like Osprey's answer), with the
     * server's malloc environment. The like-for-like side: the same remux and the same delivery of the bytes over a
     * loopback TCP connection to the same client, with nothing in between; the pipe sides deliver to a pipe, which
     * costs less than a socket (session 11: 191 against 234 ms of ffmpeg CPU per 50 MB download).
     */
    private Round served(String ffmpeg, String src, int n, java.util.Map<String, String> malloc) throws Exception {
        return children(n, () -> {
            int port;
            try (java.net.ServerSocket probe = new java.net.ServerSocket(0, 1,
                    java.net.InetAddress.getByName(Server.HOST))) {
                port = probe.getLocalPort();
            }
            URI uri = URI.create("http://" + Server.HOST + ":" + port + "/download.mp4");
            ProcessBuilder pb = seedCommand(ffmpeg, src, malloc, "-listen", "1", uri.toString());
            long t0 = System.nanoTime();
            Process p = pb.start();
            try {
                p.getOutputStream().close();
                HttpResponse<InputStream> rs = null;
                for (long deadline = t0 + 10_000_000_000L; rs == null; ) {
                    try {
                        rs = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(120)).build(),
                                HttpResponse.BodyHandlers.ofInputStream());
                    } catch (java.net.ConnectException e) { // not listening yet
                        if (!p.isAlive() || System.nanoTime() > deadline) {
                            throw new IOException("ffmpeg -listen never answered on port " + port, e);
                        }
                        Thread.sleep(2);
                    }
                }
                long[] r = drain(rs.body(), t0);
                if (p.waitFor() != 0) {
                    throw new IOException("ffmpeg serving the download exited with " + p.exitValue());
                }
                return r;
            } finally {
                p.destroyForcibly(); // a no-op once it has exited; never a child left behind by a failed round
            }
        });
    }

    private static ProcessBuilder seedCommand(String ffmpeg, String src, java.util.Map<String, String> malloc,
                                              String... output) {
        List<String> cmd = new ArrayList<>(List.of(ffmpeg, "-hide_banner", "-nostdin", "-v", "error", "-i", src,
                "-c", "copy", "-movflags", "frag_keyframe+empty_moov", "-f", "mp4"));
        cmd.addAll(List.of(output));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD);
        pb.environment().put("LD_LIBRARY_PATH", Path.of(ffmpeg).getParent().toString());
        if (malloc != null) { // what the server's ffmpeg children run with
            pb.environment().putAll(malloc);
        } else {
            WORKER_MALLOC.keySet().forEach(pb.environment()::remove);
        }
        return pb;
    }

    /** N copies of {@code one} (which runs an ffmpeg child of this process): its reaped CPU and peak RSS. */
    private Round children(int n, Callable<long[]> one) throws Exception {
        double cpu0 = ProcStats.selfReapedChildren();
        long[] peak = {0};
        long self = ProcessHandle.current().pid();
        long[][] out = concurrently(n, () -> {
            long rss = 0;
            for (long p : ProcStats.tree(self)) {
                if (p != self && ProcessHandle.of(p).flatMap(h -> h.info().command())
                        .map(c -> c.endsWith("/ffmpeg")).orElse(false)) {
                    rss += ProcStats.sample(List.of(p)).rssBytes();
                }
            }
            return rss;
        }, peak, one);
        double cpu = ProcStats.selfReapedChildren() - cpu0;
        return round(out, cpu, peak[0] / n);
    }

    /** Runs {@code n} copies of {@code one} at once while sampling {@code memory} every 50 ms into {@code peak}. */
    private static long[][] concurrently(int n, Callable<Long> memory, long[] peak, Callable<long[]> one)
            throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(n);
        Thread sampler = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                try {
                    peak[0] = Math.max(peak[0], memory.call());
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    return;
                } catch (Exception e) {
                    // a process ended while it was read
                }
            }
        });
        sampler.setDaemon(true);
        sampler.start();
        try {
            long t0 = System.nanoTime();
            List<Future<long[]>> all = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                all.add(pool.submit(one));
            }
            long[][] out = new long[n][];
            for (int i = 0; i < n; i++) {
                long[] r = all.get(i).get();
                out[i] = new long[] {r[0], r[1], 0};
            }
            out[0][2] = System.nanoTime() - t0; // the round's wall time, from the first start to the last byte
            return out;
        } finally {
            sampler.interrupt();
            sampler.join();
            pool.shutdownNow();
        }
    }

    private static Round round(long[][] out, double cpu, long memPerDownload) throws IOException {
        double wall = out[0][2] / 1e9;
        long bytes = 0;
        double[] ttfb = new double[out.length];
        for (int i = 0; i < out.length; i++) {
            if (out[i][0] < 1_000_000) {
                throw new IOException("a download gave only " + out[i][0] + " bytes");
            }
            bytes += out[i][0];
            ttfb[i] = out[i][1] / 1e6;
        }
        return new Round(cpu, bytes, ttfb, memPerDownload, 0, 0, 0, wall, 0);
    }

    /** Reads to the end: {bytes, nanoseconds from t0 to the first byte}. */
    private static long[] drain(InputStream in, long t0) throws IOException {
        byte[] buf = new byte[256 * 1024];
        long total = 0;
        long first = -1;
        try (in) {
            int k;
            while ((k = in.read(buf)) >= 0) {
                if (first < 0 && k > 0) {
                    first = System.nanoTime() - t0;
                }
                total += k;
            }
        }
        return new long[] {total, first};
    }

    private static double[] all(List<Round> rounds) {
        return rounds.stream().flatMapToDouble(x -> Arrays.stream(x.ttfbMs())).toArray();
    }

    private static double mean(double[] v) {
        return Arrays.stream(v).average().orElse(0);
    }

}
