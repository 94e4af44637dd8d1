package io.osprey.bench.scenario;

import io.osprey.bench.Options;
import io.osprey.bench.flv.FlvSource;
import io.osprey.bench.report.Result;
import io.osprey.bench.report.Stats;
import io.osprey.bench.rtmp.RtmpPublisher;
import io.osprey.bench.server.ProcStats;
import io.osprey.bench.server.Server;
import io.osprey.bench.viewer.ViewerStats;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * One publisher replaying the media in real time over RTMP; N viewers (HTTP-FLV, WebSocket-FLV or RTMP) ramped at a
 * set rate; after the ramp and a settle time, a measuring window in which each viewer's received rate, the probes'
 * added latency and the server's CPU and memory are taken.
 */
public final class Fanout extends Scenario {

    private final Clients.Protocol protocol;
    private InetSocketAddress targetOverride;

    public Fanout(Options o, FlvSource source, Clients.Protocol protocol) {
        super(o, source);
        this.protocol = protocol;
    }

    /** Viewers connect here instead of the server (tests put a delaying proxy in between). */
    public Fanout via(InetSocketAddress target) {
        this.targetOverride = target;
        return this;
    }

    @Override
    public String name() {
        return switch (protocol) {
            case FLV -> "fanout-flv";
            case WS -> "fanout-ws";
            case RTMP -> "fanout-rtmp";
        };
    }

    private String output() {
        return switch (protocol) {
            case FLV -> "HTTP-FLV";
            case WS -> "WebSocket-FLV";
            case RTMP -> "RTMP play";
        };
    }

    @Override
    public Result run(Server server) throws Exception {
        String path = switch (protocol) {
            case FLV -> server.flvPath(o.app, o.stream);
            case WS -> server.wsPath(o.app, o.stream);
            case RTMP -> server.rtmpPlay() ? o.app : null;
        };
        if (path == null) {
            return Result.unavailable(server.name(), name(), server.missing(output()));
        }
        Result r = new Result(server.name(), name(), server.describe());
        InetSocketAddress target = targetOverride != null ? targetOverride : viewerTarget(server, protocol);
        try (Clients clients = new Clients(o.clientThreads)) {
            RtmpPublisher pub = clients.publish(server, o.app, o.stream, source, o.probeMs);
            if (!clients.awaitPublishing(pub, 15_000)) {
                return r.fail("publisher not accepted: " + clients.onPublisherLoop(pub::closeReason));
            }
            sleepSeconds(o.warmup);
            log("%s: ramping %d %s viewers at %.0f/s", server.name(), o.viewers, output(), o.ramp);
            long rampStart = System.nanoTime();
            for (int started = 0; started < o.viewers; ) {
                double elapsed = (System.nanoTime() - rampStart) / 1e9;
                int due = (int) Math.min(o.viewers, Math.max(1, Math.floor(elapsed * o.ramp)));
                for (; started < due; started++) {
                    clients.view(started, protocol, target, path, o.stream);
                }
                Thread.sleep(5);
            }
            sleepSeconds(o.settle);
            Window w = Window.open(clients, server, pub);
            log("%s: measuring %.0f s", server.name(), o.duration);
            long rssMax = w.rssMax(o.duration);
            Window.Closed end = w.close();
            summarise(r, clients, end, rssMax, server);
        }
        return r;
    }

    private void summarise(Result r, Clients clients, Window.Closed w, long rssMax, Server server) {
        List<ViewerSnapshot> vs = w.viewers();
        int connected = 0;
        int failed = 0;
        Map<String, Integer> reasons = new HashMap<>();
        List<Double> firstTag = new ArrayList<>();
        List<Double> rates = new ArrayList<>();
        for (ViewerSnapshot v : vs) {
            if (v.firstTagMs() >= 0) {
                firstTag.add(v.firstTagMs());
            }
            if (v.openAtStart()) {
                rates.add(v.bytesInWindow() * 8 / w.seconds() / 1000);
            }
            if (v.open() && v.gotData()) {
                connected++;
            } else {
                failed++;
                String why = v.open() ? "no data within the run" : v.reason();
                reasons.merge(why == null ? "?" : why, 1, Integer::sum);
            }
        }
        double sourceKbps = w.publisherBytes() * 8 / w.seconds() / 1000;
        double[] rate = rates.stream().mapToDouble(Double::doubleValue).toArray();
        double[] ft = firstTag.stream().mapToDouble(Double::doubleValue).toArray();
        Arrays.sort(rate);
        Arrays.sort(ft);
        double[] lat = Arrays.stream(w.latencyMicros()).mapToDouble(us -> us / 1000.0).sorted().toArray();
        double cpu = ProcStats.cpuPercent(w.cpuStart(), w.cpuEnd());
        r.put("viewers", (double) o.viewers);
        r.put("connected", (double) connected);
        r.put("failed", (double) failed);
        r.put("source kbps", Stats.round(sourceKbps, 0));
        r.put("rate min %", pct(Stats.sortedPercentile(rate, 0), sourceKbps));
        r.put("rate p5 %", pct(Stats.sortedPercentile(rate, 5), sourceKbps));
        r.put("rate median %", pct(Stats.sortedPercentile(rate, 50), sourceKbps));
        r.put("viewers ≥95 %", (double) Arrays.stream(rate).filter(k -> k >= 0.95 * sourceKbps).count());
        r.put("first tag p50 ms", Stats.round(Stats.sortedPercentile(ft, 50), 0));
        r.put("first tag p95 ms", Stats.round(Stats.sortedPercentile(ft, 95), 0));
        r.put("first tag max ms", Stats.round(Stats.sortedPercentile(ft, 100), 0));
        r.put("latency p50 ms", Stats.round(Stats.sortedPercentile(lat, 50), 1));
        r.put("latency p99 ms", Stats.round(Stats.sortedPercentile(lat, 99), 1));
        r.put("server CPU %", Stats.round(cpu, 1));
        r.put("CPU % per 1k viewers", connected == 0 ? Double.NaN : Stats.round(cpu * 1000 / connected, 1));
        r.put("RSS MB", toMb(rssMax));
        OptionalLong heap = server.heapBytes();
        r.put("heap MB", heap.isPresent() ? toMb(heap.getAsLong()) : Double.NaN);
        r.put("bench CPU %", Stats.round(ProcStats.cpuPercent(w.selfStart(), w.selfEnd()), 1));
        r.put("bench lag ms", Stats.round(w.benchLagMs(), 0));
        if (w.benchLagMs() > 200) {
            r.note(String.format(java.util.Locale.ROOT, "the bench's own viewer loop ran up to %.0f ms late: the load "
                    + "generator was short of CPU, so rates and latencies are partly its own (more --client-threads, "
                    + "or a quieter machine)", w.benchLagMs()));
        }
        if (lat.length == 0 && connected > 0) {
            r.note("latency n/a: no " + io.osprey.bench.flv.Probe.NAME + " data message reached the viewers ("
                    + w.probesSeen() + " seen before the window); the server does not relay AMF0 data messages");
        }
        if (!reasons.isEmpty()) {
            StringBuilder b = new StringBuilder("failures: ");
            reasons.entrySet().stream().sorted((a, c) -> c.getValue() - a.getValue()).limit(4)
                    .forEach(e -> b.append(e.getValue()).append("× ").append(e.getKey()).append("; "));
            r.note(b.toString());
        }
        if (connected == 0 && o.viewers > 0) {
            r.fail("no viewer connected" + reasons.keySet().stream().findFirst().map(x -> ": " + x).orElse(""));
        }
        r.note(String.format(java.util.Locale.ROOT, "window %.1f s, %d latency samples, ramp %.0f/s, publisher "
                + "backlog max %d KB", w.seconds(), lat.length, o.ramp, w.publisherMaxQueued() / 1024));
    }

    private static double pct(double kbps, double source) {
        return source <= 0 || Double.isNaN(kbps) ? Double.NaN : Stats.round(100 * kbps / source, 1);
    }

    /** One viewer's state at the end of the window. */
    record ViewerSnapshot(boolean openAtStart, boolean open, boolean gotData, long bytesInWindow, double firstTagMs,
                          String reason) {
    }

    /** The measuring window: bytes per viewer, latency samples and CPU between two consistent snapshots. */
    static final class Window {
        private final Clients clients;
        private final Server server;
        private final RtmpPublisher pub;
        private final Map<ViewerStats, long[]> start = new LinkedHashMap<>();
        private final ProcStats.Sample cpuStart;
        private final ProcStats.Sample selfStart;
        private final long pubStart;
        private final long startNanos;

        private Window(Clients clients, Server server, RtmpPublisher pub) {
            this.clients = clients;
            this.server = server;
            this.pub = pub;
            this.startNanos = System.nanoTime();
            List<Map<ViewerStats, long[]>> parts = clients.onViewerLoops(k -> {
                clients.recorder(k).open(startNanos);
                Map<ViewerStats, long[]> m = new HashMap<>();
                for (ViewerStats v : clients.viewersOn(k)) {
                    m.put(v, new long[] {v.isOpen() ? 1 : 0, v.bytes()});
                }
                return m;
            });
            parts.forEach(start::putAll);
            clients.takeMaxLagMs();
            this.pubStart = pub == null ? 0 : clients.onPublisherLoop(pub::bytesSent);
            this.cpuStart = server.sample();
            this.selfStart = ProcStats.self();
        }

        static Window open(Clients clients, Server server, RtmpPublisher pub) {
            return new Window(clients, server, pub);
        }

        /** Sleeps through the window, sampling the server's RSS each second; returns the largest. */
        long rssMax(double seconds) throws InterruptedException {
            long max = 0;
            long end = startNanos + (long) (seconds * 1e9);
            while (System.nanoTime() < end) {
                Thread.sleep(Math.max(1, Math.min(1000, (end - System.nanoTime()) / 1_000_000)));
                max = Math.max(max, server.sample().rssBytes());
            }
            return max;
        }

        record Closed(List<ViewerSnapshot> viewers, long[] latencyMicros, long probesSeen, double seconds,
                      long publisherBytes, long publisherMaxQueued, ProcStats.Sample cpuStart,
                      ProcStats.Sample cpuEnd, ProcStats.Sample selfStart, ProcStats.Sample selfEnd,
                      double benchLagMs) {
        }

        Closed close() {
            ProcStats.Sample cpuEnd = server.sample();
            ProcStats.Sample selfEnd = ProcStats.self();
            long endNanos = System.nanoTime();
            double lag = clients.takeMaxLagMs();
            long pubEnd = pub == null ? 0 : clients.onPublisherLoop(pub::bytesSent);
            long pubQueued = pub == null ? 0 : clients.onPublisherLoop(pub::maxQueued);
            List<Object[]> parts = clients.onViewerLoops(k -> {
                clients.recorder(k).close(endNanos);
                List<ViewerSnapshot> snaps = new ArrayList<>();
                for (ViewerStats v : clients.viewersOn(k)) {
                    long[] s = start.get(v);
                    boolean openAtStart = s != null && s[0] == 1;
                    long base = s == null ? 0 : s[1];
                    long ft = v.firstTagNanos();
                    snaps.add(new ViewerSnapshot(openAtStart, v.isOpen(), v.gotData(), v.bytes() - base,
                            ft < 0 ? -1 : ft / 1e6, v.closeReason()));
                }
                return new Object[] {snaps, clients.recorder(k).samples(), clients.recorder(k).probesSeen()};
            });
            List<ViewerSnapshot> all = new ArrayList<>();
            long[] lat = new long[0];
            long seen = 0;
            for (Object[] p : parts) {
                @SuppressWarnings("unchecked")
                List<ViewerSnapshot> s = (List<ViewerSnapshot>) p[0];
                all.addAll(s);
                long[] l = (long[]) p[1];
                long[] merged = Arrays.copyOf(lat, lat.length + l.length);
                System.arraycopy(l, 0, merged, lat.length, l.length);
                lat = merged;
                seen += (Long) p[2];
            }
            return new Closed(all, lat, seen, (endNanos - startNanos) / 1e9, pubEnd - pubStart, pubQueued, cpuStart,
                    cpuEnd, selfStart, selfEnd, lag);
        }
    }
}
