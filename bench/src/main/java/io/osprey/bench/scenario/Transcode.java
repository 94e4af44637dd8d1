package io.osprey.bench.scenario;

import io.osprey.bench.MediaGen;
import io.osprey.bench.Options;
import io.osprey.bench.flv.FlvScanner;
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
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One rendition ladder, 720p25 to {@link #LADDER} (480p + 360p), through the server against the same ffmpeg command
 * run bare. The bench media (720p25 H.264 + AAC) is published in real time by ffmpeg ({@code -re -stream_loop -1});
 * an HTTP-FLV viewer of the source is measured without a ladder ({@code --duration} s of JVM CPU), then a viewer of
 * {@code {stream}_480p} starts the ladder and the JVM and its ffmpeg worker are measured again; meanwhile the plugin's
 * speed and fps ({@code /api/transcode}) and the added latency (a video frame's arrival on the rendition's viewer
 * less the same timestamp's on the source's) are taken. Then the worker's very command line (read from /proc) is fed
 * the same media in real time by a second ffmpeg and measured alone: the CPU ratio is (worker + what the JVM spent
 * more) / bare.
 */
public final class Transcode extends Scenario {

    /** The ladder {@link io.osprey.bench.Main} configures for this scenario: the 720p25 to 480p + 360p. */
    public static final String LADDER = "[{name: 480p, height: 480, videoKbps: 1200, audioKbps: 96},"
            + " {name: 360p, height: 360, videoKbps: 700, audioKbps: 64}]";
    private static final Pattern SPEED = Pattern.compile("\"speed\":([0-9.]+)");
    private static final Pattern FPS = Pattern.compile("\"fps\":\\{\"480p\":([0-9.]+),\"360p\":([0-9.]+)}");
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    public Transcode(Options o, FlvSource source) {
        super(o, source);
    }

    @Override
    public String name() {
        return "transcode";
    }

    @Override
    public Result run(Server server) throws Exception {
        if (!(server instanceof OspreyServer osprey)) {
            return Result.unavailable(server.name(), name(), "the transcode scenario measures Osprey's plugin only");
        }
        Result r = new Result(server.name(), name(), server.describe());
        Path media = o.media != null ? o.media : MediaGen.ensure(o.target().resolve("media"));
        String ffmpeg = Ffmpeg.ffmpeg();
        String base = "http://" + Server.HOST + ":" + server.httpPort();
        String load0 = Machine.loadAverage();
        Process publisher = new ProcessBuilder(ffmpeg, "-hide_banner", "-nostdin", "-v", "error", "-re",
                "-stream_loop", "-1", "-i", media.toString(), "-c", "copy", "-f", "flv",
                "rtmp://" + Server.HOST + ":" + server.rtmpPort() + "/" + o.app + "/" + o.stream)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        Reader src = null;
        Reader ren = null;
        List<String> command;
        String libs;
        try {
            src = new Reader(base + server.flvPath(o.app, o.stream));
            sleepSeconds(Math.max(o.warmup, 3));
            double jvmBase = jvmCpu(server, o.duration);
            log("osprey: JVM with the source and one viewer, no ladder: %.1f%% CPU", jvmBase);

            ren = new Reader(base + server.flvPath(o.app, o.stream + "_480p"));
            long deadline = System.nanoTime() + 60_000_000_000L;
            while (ProcStats.children(server.pid()).isEmpty() || ren.frames.isEmpty()) {
                if (System.nanoTime() > deadline) {
                    return r.fail("no ladder worker or no rendition frame within 60 s: " + api(osprey));
                }
                Thread.sleep(200);
            }
            sleepSeconds(Math.max(o.warmup, 5));
            long worker = ProcStats.children(server.pid()).get(0);
            command = ProcStats.cmdline(worker);
            libs = ProcStats.environ(worker, "LD_LIBRARY_PATH");
            long from = System.nanoTime();
            ProcStats.Sample j0 = ProcStats.sampleAll(List.of(server.pid()));
            ProcStats.Sample w0 = ProcStats.sampleAll(List.of(worker));
            List<Double> speeds = new ArrayList<>();
            List<double[]> fps = new ArrayList<>();
            for (long end = System.nanoTime() + (long) (o.duration * 1e9); System.nanoTime() < end; ) {
                sleepSeconds(Math.min(5, Math.max(0.1, (end - System.nanoTime()) / 1e9)));
                String a = api(osprey);
                Matcher s = SPEED.matcher(a);
                Matcher f = FPS.matcher(a);
                if (s.find() && f.find()) {
                    speeds.add(Double.parseDouble(s.group(1)));
                    fps.add(new double[] {Double.parseDouble(f.group(1)), Double.parseDouble(f.group(2))});
                }
            }
            ProcStats.Sample j1 = ProcStats.sampleAll(List.of(server.pid()));
            ProcStats.Sample w1 = ProcStats.sampleAll(List.of(worker));
            double jvm = ProcStats.cpuPercent(j0, j1);
            double work = ProcStats.cpuPercent(w0, w1);
            double[] latency = latencies(src, ren, from);
            r.put("JVM CPU % without ladder", Stats.round(jvmBase, 1));
            r.put("JVM CPU % with ladder", Stats.round(jvm, 1));
            r.put("worker CPU %", Stats.round(work, 1));
            r.put("ladder CPU % (worker + JVM increase)", Stats.round(work + jvm - jvmBase, 1));
            r.put("speed x realtime (mean of 5 s samples)", Stats.round(mean(speeds), 2));
            r.put("speed x realtime (lowest sample)", Stats.round(speeds.stream().mapToDouble(d -> d).min()
                    .orElse(0), 2));
            r.put("fps 480p", Stats.round(fps.stream().mapToDouble(f -> f[0]).average().orElse(0), 1));
            r.put("fps 360p", Stats.round(fps.stream().mapToDouble(f -> f[1]).average().orElse(0), 1));
            r.put("added latency ms median", latency.length == 0 ? -1 : Math.round(Stats.percentile(latency, 50)));
            r.put("added latency ms max", latency.length == 0 ? -1 : Math.round(Arrays.stream(latency).max()
                    .orElse(0)));
            r.put("frames matched", (double) latency.length);
            log("osprey: ladder: worker %.1f%%, JVM %.1f%% (%.1f%% without); speed %.2f; latency median %d ms",
                    work, jvm, jvmBase, mean(speeds), latency.length == 0 ? -1
                            : Math.round(Stats.percentile(latency, 50)));
            r.note("api at the end: " + api(osprey));
            r.note("worker command: " + String.join(" ", command));
        } finally {
            if (ren != null) {
                ren.close();
            }
            if (src != null) {
                src.close();
            }
            publisher.destroy();
            publisher.waitFor();
        }
        ProcStats.awaitNoChildren(server.pid(), 30_000);
        double bare = bare(ffmpeg, media, command, libs);
        double ladder = r.number("ladder CPU % (worker + JVM increase)");
        r.put("bare ffmpeg CPU %", Stats.round(bare, 1));
        r.put("CPU ratio ladder / bare", bare > 0 ? Stats.round(ladder / bare, 2) : 0);
        r.put("CPU ratio worker / bare", bare > 0 ? Stats.round(r.number("worker CPU %") / bare, 2) : 0);
        log("bare: %.1f%% CPU; ladder / bare %.2f", bare, bare > 0 ? ladder / bare : 0);
        r.note("load average " + load0 + " before, " + Machine.loadAverage() + " after");
        r.note("targets (issue 20): speed >= 1.0x realtime, CPU at most 1.1x bare ffmpeg's, added latency under 1 s");
        return r;
    }

    /** The worker's command fed the media in real time by a second ffmpeg (not counted); its CPU % only. */
    private double bare(String ffmpeg, Path media, List<String> command, String libs) throws Exception {
        ProcessBuilder feed = new ProcessBuilder(ffmpeg, "-hide_banner", "-nostdin", "-v", "error", "-re",
                "-stream_loop", "-1", "-i", media.toString(), "-c", "copy", "-f", "flv", "pipe:1")
                .redirectError(ProcessBuilder.Redirect.DISCARD);
        ProcessBuilder ladder = new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.DISCARD);
        ladder.environment().put("LD_LIBRARY_PATH", libs);
        List<Process> pipeline = ProcessBuilder.startPipeline(List.of(feed, ladder));
        try {
            sleepSeconds(Math.max(o.warmup, 5) + 5);
            long pid = pipeline.get(1).pid();
            ProcStats.Sample a = ProcStats.sampleAll(List.of(pid));
            sleepSeconds(o.duration);
            ProcStats.Sample b = ProcStats.sampleAll(List.of(pid));
            if (!pipeline.get(1).isAlive()) {
                throw new IOException("the bare ladder command ended early (exit " + pipeline.get(1).exitValue()
                        + ")");
            }
            return ProcStats.cpuPercent(a, b);
        } finally {
            for (Process p : pipeline) {
                p.destroy();
            }
            for (Process p : pipeline) {
                p.waitFor();
            }
        }
    }

    /** ms by which each rendition frame (after {@code from}) arrived later than the source's of the same time. */
    private static double[] latencies(Reader src, Reader ren, long from) {
        List<Double> out = new ArrayList<>();
        for (Map.Entry<Long, Long> e : ren.frames.entrySet()) {
            if (e.getValue() < from) {
                continue;
            }
            // the same timestamp (the worker keeps the source's: -copyts), else the nearest within half a frame
            Map.Entry<Long, Long> lo = src.frames.floorEntry(e.getKey());
            Map.Entry<Long, Long> hi = src.frames.ceilingEntry(e.getKey());
            Map.Entry<Long, Long> s = lo == null ? hi : hi == null ? lo
                    : e.getKey() - lo.getKey() <= hi.getKey() - e.getKey() ? lo : hi;
            if (s != null && Math.abs(s.getKey() - e.getKey()) <= 20) {
                out.add((e.getValue() - s.getValue()) / 1e6);
            }
        }
        return out.stream().mapToDouble(d -> d).toArray();
    }

    private double jvmCpu(Server server, double seconds) throws InterruptedException {
        ProcStats.Sample a = ProcStats.sampleAll(List.of(server.pid()));
        sleepSeconds(seconds);
        return ProcStats.cpuPercent(a, ProcStats.sampleAll(List.of(server.pid())));
    }

    private String api(OspreyServer s) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create("http://" + Server.HOST + ":" + s.httpPort()
                    + "/api/transcode")).header("Authorization", "Bearer " + s.adminToken())
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString()).body();
        } catch (IOException | InterruptedException e) {
            return "(" + e.getMessage() + ")";
        }
    }

    private static double mean(List<Double> v) {
        return v.stream().mapToDouble(d -> d).average().orElse(0);
    }



    /** An HTTP-FLV viewer on its own thread: the first arrival (nanoTime) of each video timestamp. */
    private final class Reader implements FlvScanner.Listener, AutoCloseable {

        final ConcurrentSkipListMap<Long, Long> frames = new ConcurrentSkipListMap<>();
        private final Thread thread;
        private volatile InputStream in;

        Reader(String url) {
            thread = new Thread(() -> read(url), "transcode viewer " + url);
            thread.setDaemon(true);
            thread.start();
        }

        private void read(String url) {
            FlvScanner scanner = new FlvScanner(this);
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (!Thread.currentThread().isInterrupted() && System.nanoTime() < deadline) {
                try {
                    HttpResponse<InputStream> res = http.send(HttpRequest.newBuilder(URI.create(url)).build(),
                            HttpResponse.BodyHandlers.ofInputStream());
                    if (res.statusCode() != 200) {
                        res.body().close();
                        Thread.sleep(300); // not live yet
                        continue;
                    }
                    in = res.body();
                    byte[] buf = new byte[65536];
                    for (int n; (n = in.read(buf)) >= 0; ) {
                        scanner.feed(ByteBuffer.wrap(buf, 0, n));
                    }
                    return;
                } catch (IOException | InterruptedException e) {
                    return; // closed
                }
            }
        }

        @Override
        public void onTag(int type, long timestamp, int size) {
            if (type == 9) {
                frames.putIfAbsent(timestamp, System.nanoTime());
            }
        }

        @Override
        public void onScript(long timestamp, ByteBuffer body) {
        }

        @Override
        public void close() throws IOException {
            thread.interrupt();
            InputStream i = in;
            if (i != null) {
                i.close();
            }
        }
    }
}
