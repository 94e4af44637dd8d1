package io.osprey.plugin.passthrough;

import io.osprey.testkit.Ffmpeg;
import io.osprey.testkit.TestServer;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * By hand, not in CI: {@code mvn -o -q -pl plugins/pass-through-muxer test -Dtest=PassthroughBench
 * -Dbench.n=1,4 -Dsurefire.failIfNoSpecifiedTests=false}. N concurrent downloads of a local ~50 MB MP4 (720p30 8 Mbit/s
 * H.264 + AAC, 50 s) through the server, against N ffmpeg processes doing the seed's
 * {@code ffmpeg -i URL -c copy -movflags frag_keyframe+empty_moov -f mp4 pipe:} with this JVM reading their stdout.
 * The server's client is curl, whose stdout this JVM reads the same way. CPU is this process's own plus its reaped
 * children's ({@code /proc/self/stat} utime, stime, cutime, cstime): both sides include the source server; the
 * server side also pays the HTTP hop (Jetty's writes and curl's reads).
 */
class PassthroughBench {

    private static final long TICK_NS = 10_000_000L; // USER_HZ = 100 on Linux

    @Test
    void concurrentDownloads() throws Exception {
        Path big = Media.dir().resolve("big.mp4");
        if (!Files.isRegularFile(big)) {
            throw new IllegalStateException("make " + big + " first (see bench notes in the README)");
        }
        try (SourceServer source = new SourceServer(Media.dir());
             TestServer server = TestServer.start("plugins.pass-through-muxer.allowPrivate=true",
                     "plugins.pass-through-muxer.maxWorkers=25")) {
            String url = source.url("/big.mp4");
            run("warm-up", 1, () -> viaServer(server, url));
            run("warm-up", 1, () -> direct(url));
            for (String n : System.getProperty("bench.n", "1,4").split(",")) {
                int c = Integer.parseInt(n.trim());
                run("server", c, () -> viaServer(server, url));
                run("direct", c, () -> direct(url));
            }
            Downloads.get("http://127.0.0.1:" + server.httpPort() + "/metrics").body().lines()
                    .filter(l -> l.startsWith("osprey_passthrough_") && l.contains("seconds"))
                    .forEach(l -> System.out.println("BENCH metric " + l));
        }
    }

    /** One download through the server by curl (a child, so its CPU counts like ffmpeg's): bytes, first byte (ns). */
    private static long[] viaServer(TestServer server, String url) throws Exception {
        long t0 = System.nanoTime();
        Process p = new ProcessBuilder("curl", "-s", "-N", "-o", "-", Downloads.download(server.httpPort(), url, null))
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        long[] out = drain(p.getInputStream(), t0);
        p.waitFor();
        return out;
    }

    private static long[] direct(String url) throws Exception {
        long t0 = System.nanoTime();
        if (Boolean.getBoolean("bench.directLocate")) { // the same one-byte check the server makes first
            java.net.http.HttpResponse<InputStream> r = Downloads.HTTP.send(java.net.http.HttpRequest.newBuilder(
                    java.net.URI.create(url)).header("Range", "bytes=0-0").build(),
                    java.net.http.HttpResponse.BodyHandlers.ofInputStream());
            r.body().close();
            System.out.printf("BENCH direct locate %d ms%n", (System.nanoTime() - t0) / 1_000_000);
        }
        List<String> cmd = List.of(Ffmpeg.ffmpeg(), "-hide_banner", "-nostdin", "-v", "error", "-i", url, "-c", "copy",
                "-movflags", "frag_keyframe+empty_moov", "-f", "mp4", "pipe:");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD);
        pb.environment().put("LD_LIBRARY_PATH", Path.of(cmd.get(0)).getParent().toString());
        Process p = pb.start();
        long[] out = drain(p.getInputStream(), t0);
        p.waitFor();
        return out;
    }

    private static long[] drain(InputStream in, long t0) throws Exception {
        byte[] buf = new byte[64 * 1024];
        long total = 0;
        long first = -1;
        int n;
        try (in) {
            while ((n = in.read(buf)) >= 0) {
                if (first < 0 && n > 0) {
                    first = System.nanoTime() - t0;
                }
                total += n;
            }
        }
        return new long[] {total, first};
    }

    private static void run(String what, int n, Callable<long[]> one) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(n);
        java.util.Map<Long, Long> peakRss = new java.util.concurrent.ConcurrentHashMap<>();
        java.util.concurrent.atomic.AtomicBoolean sampling = new java.util.concurrent.atomic.AtomicBoolean(true);
        Thread sampler = new Thread(() -> { // the ffmpeg children's resident memory, every 50 ms
            while (sampling.get()) {
                ProcessHandle.current().descendants().filter(p -> p.info().command().map(c -> c.endsWith("/ffmpeg"))
                        .orElse(false)).forEach(p -> peakRss.merge(p.pid(), rssKb(p.pid()), Math::max));
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        sampler.start();
        long cpu0 = cpuTicks();
        long t0 = System.nanoTime();
        List<Future<long[]>> all = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            all.add(pool.submit(one));
        }
        long bytes = 0;
        long ttfbMax = 0;
        long ttfbSum = 0;
        for (Future<long[]> f : all) {
            long[] r = f.get();
            bytes += r[0];
            ttfbSum += r[1];
            ttfbMax = Math.max(ttfbMax, r[1]);
        }
        long wall = System.nanoTime() - t0;
        long cpu = (cpuTicks() - cpu0) * TICK_NS;
        sampling.set(false);
        sampler.join();
        pool.shutdown();
        System.out.printf("BENCH %-7s n=%d: ffmpeg peak RSS mean %.1f MB over %d children%n", what, n,
                peakRss.values().stream().mapToLong(Long::longValue).average().orElse(0) / 1024, peakRss.size());
        System.out.printf("BENCH %-7s n=%d: %.1f MB in %.2f s = %.1f MB/s; CPU %.2f s = %.2f ms/MB; first byte mean %.0f"
                        + " ms, max %.0f ms%n", what, n, bytes / 1e6, wall / 1e9, bytes / 1e6 / (wall / 1e9), cpu / 1e9,
                cpu / 1e6 / (bytes / 1e6), ttfbSum / 1e6 / n, ttfbMax / 1e6);
    }

    private static long rssKb(long pid) {
        try {
            for (String l : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (l.startsWith("VmRSS:")) {
                    return Long.parseLong(l.replaceAll("[^0-9]", ""));
                }
            }
        } catch (Exception e) {
            // the process ended
        }
        return 0;
    }

    /** utime + stime + cutime + cstime of this process (fields 14-17 of /proc/self/stat). */
    private static long cpuTicks() throws Exception {
        String stat = Files.readString(Path.of("/proc/self/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]) + Long.parseLong(f[13]) + Long.parseLong(f[14]);
    }
}
