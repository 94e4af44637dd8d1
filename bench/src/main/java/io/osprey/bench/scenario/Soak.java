package io.osprey.bench.scenario;

import io.osprey.bench.Options;
import io.osprey.bench.flv.FlvSource;
import io.osprey.bench.report.Result;
import io.osprey.bench.report.Stats;
import io.osprey.bench.rtmp.RtmpPublisher;
import io.osprey.bench.server.ProcStats;
import io.osprey.bench.server.Server;
import io.osprey.bench.viewer.ViewerStats;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * For the whole duration: P publishers that drop their connection and reconnect every {@code --reconnect} seconds,
 * V viewers of which a fraction leave and new ones join every {@code --churn} seconds. Heap, RSS and CPU are sampled
 * every {@code --sample} seconds (and, where the server reports them, direct memory and threads), and each is
 * reported at the start, middle and end of the run: flat lines mean nothing accumulates; every viewer or publisher that ends without being told to is an error, and a viewer
 * that stays open but receives nothing between two samples counts as a stall.
 */
public final class Soak extends Scenario {

    public Soak(Options o, FlvSource source) {
        super(o, source);
    }

    @Override
    public String name() {
        return "soak";
    }

    @Override
    public Result run(Server server) throws Exception {
        Result r = new Result(server.name(), name(), server.describe());
        Clients.Protocol vp = server.flvPath(o.app, o.stream) != null ? Clients.Protocol.FLV : Clients.Protocol.RTMP;
        Random random = new Random(42);
        try (Clients clients = new Clients(o.clientThreads)) {
            int nPub = Math.max(1, o.publishers);
            RtmpPublisher[] pubs = new RtmpPublisher[nPub];
            List<RtmpPublisher> replaced = new ArrayList<>();
            for (int i = 0; i < nPub; i++) {
                pubs[i] = clients.publish(server, o.app, stream(i), source, o.probeMs);
            }
            for (RtmpPublisher p : pubs) {
                if (!clients.awaitPublishing(p, 15_000)) {
                    return r.fail("publisher not accepted: " + clients.onPublisherLoop(p::closeReason));
                }
            }
            sleepSeconds(o.warmup);
            List<ViewerStats> current = new ArrayList<>();
            int joins = 0;
            for (; joins < o.viewers; joins++) {
                current.add(view(clients, server, vp, joins, nPub));
            }
            log("%s: soak %.0f s: %d publishers reconnecting every %.0f s, %d %s viewers, %.0f %% churn every %.0f s",
                    server.name(), o.duration, nPub, o.reconnect, o.viewers, vp, o.churnFraction * 100, o.churn);
            long t0 = System.nanoTime();
            long end = t0 + (long) (o.duration * 1e9);
            double nextChurn = o.churn;
            double nextReconnect = o.reconnect;
            double nextSample = 0;
            int leaves = 0;
            int reconnects = 0;
            int reconnectFailures = 0;
            ProcStats.Sample last = server.sample();
            List<Double> heap = new ArrayList<>();
            List<Double> rss = new ArrayList<>();
            List<Double> direct = new ArrayList<>();
            List<Double> threads = new ArrayList<>();
            Map<ViewerStats, Long> lastBytes = new java.util.IdentityHashMap<>();
            int stalls = 0;
            while (System.nanoTime() < end) {
                double t = (System.nanoTime() - t0) / 1e9;
                if (t >= nextSample) {
                    nextSample += o.sample;
                    ProcStats.Sample now = server.sample();
                    Map<String, Object> point = new LinkedHashMap<>();
                    point.put("t", Stats.round(t, 1));
                    double h = server.heapBytes().isPresent() ? toMb(server.heapBytes().getAsLong()) : Double.NaN;
                    point.put("heapMB", Double.isNaN(h) ? null : h);
                    point.put("rssMB", toMb(now.rssBytes()));
                    double d = server.directBytes().isPresent() ? toMb(server.directBytes().getAsLong()) : Double.NaN;
                    point.put("directMB", Double.isNaN(d) ? null : d);
                    double th = server.threads().isPresent() ? server.threads().getAsLong() : Double.NaN;
                    point.put("threads", Double.isNaN(th) ? null : th);
                    direct.add(d);
                    threads.add(th);
                    point.put("cpuPercent", Stats.round(ProcStats.cpuPercent(last, now), 1));
                    point.put("viewersOpen", openCount(clients));
                    int stalled = stalls(clients, lastBytes);
                    stalls += stalled;
                    point.put("viewersStalled", stalled);
                    last = now;
                    r.sample(point);
                    heap.add(h);
                    rss.add(toMb(now.rssBytes()));
                }
                if (o.churn > 0 && t >= nextChurn) {
                    nextChurn += o.churn;
                    int n = (int) Math.round(current.size() * o.churnFraction);
                    for (int k = 0; k < n && !current.isEmpty(); k++) {
                        clients.leave(current.remove(random.nextInt(current.size())));
                        leaves++;
                        current.add(view(clients, server, vp, joins++, nPub));
                    }
                }
                if (o.reconnect > 0 && t >= nextReconnect) {
                    nextReconnect += o.reconnect;
                    for (int i = 0; i < nPub; i++) {
                        clients.stop(pubs[i]);
                        replaced.add(pubs[i]);
                        pubs[i] = clients.publish(server, o.app, stream(i), source, o.probeMs);
                        reconnects++;
                    }
                    for (RtmpPublisher p : pubs) {
                        if (!clients.awaitPublishing(p, 10_000)) {
                            reconnectFailures++;
                        }
                    }
                }
                Thread.sleep(100);
            }
            int[] viewerErrors = new int[1];
            Map<String, Integer> reasons = new HashMap<>();
            clients.onViewerLoops(k -> {
                for (ViewerStats v : clients.viewersOn(k)) {
                    if (v.failed()) {
                        synchronized (reasons) {
                            viewerErrors[0]++;
                            reasons.merge(String.valueOf(v.closeReason()), 1, Integer::sum);
                        }
                    }
                }
                return null;
            });
            int publisherErrors = clients.onPublisherLoop(() -> {
                int n = 0;
                for (RtmpPublisher p : clients.publishers()) {
                    if (!p.stoppedByUs() && p.closeReason() != null) {
                        n++;
                    }
                }
                return n;
            }) + reconnectFailures;
            r.put("seconds", Stats.round((System.nanoTime() - t0) / 1e9, 0));
            r.put("viewers", (double) o.viewers);
            r.put("joins", (double) joins);
            r.put("leaves", (double) leaves);
            r.put("publisher reconnects", (double) reconnects);
            r.put("viewer errors", (double) viewerErrors[0]);
            r.put("viewer stalls", (double) stalls);
            r.put("publisher errors", (double) publisherErrors);
            r.put("heap first MB", first(heap));
            r.put("heap last MB", lastOf(heap));
            r.put("heap max MB", max(heap));
            r.put("RSS first MB", first(rss));
            r.put("RSS last MB", lastOf(rss));
            r.put("RSS max MB", max(rss));
            startMiddleEnd(r, "heap MB", heap);
            startMiddleEnd(r, "RSS MB", rss);
            startMiddleEnd(r, "direct MB", direct);
            startMiddleEnd(r, "threads", threads);
            if (!reasons.isEmpty()) {
                r.note("viewer errors: " + reasons);
            }
            StringBuilder series = new StringBuilder("heap/RSS/direct MB/threads over time: ");
            for (Map<String, Object> p : r.series()) {
                series.append(p.get("t")).append("s ").append(p.get("heapMB") == null ? "-" : p.get("heapMB"))
                        .append('/').append(p.get("rssMB")).append('/')
                        .append(p.get("directMB") == null ? "-" : p.get("directMB")).append('/')
                        .append(p.get("threads") == null ? "-" : p.get("threads")).append("; ");
            }
            r.note(series.toString());
        }
        return r;
    }

    /** {@code name start}, {@code name middle}, {@code name end}: the first, middle and last sample. */
    private static void startMiddleEnd(Result r, String name, List<Double> series) {
        if (series.isEmpty() || series.stream().allMatch(v -> Double.isNaN(v))) {
            return;
        }
        r.put(name + " start", series.get(0));
        r.put(name + " middle", series.get(series.size() / 2));
        r.put(name + " end", series.get(series.size() - 1));
    }

    private String stream(int i) {
        return o.stream + "-" + i;
    }

    private ViewerStats view(Clients clients, Server server, Clients.Protocol vp, int i, int nPub) {
        String s = stream(i % nPub);
        return clients.view(i, vp, viewerTarget(server, vp), vp == Clients.Protocol.FLV ? server.flvPath(o.app, s)
                : o.app, s);
    }

    private static int openCount(Clients clients) {
        return clients.onViewerLoops(k -> (int) clients.viewersOn(k).stream().filter(ViewerStats::isOpen).count())
                .stream().mapToInt(Integer::intValue).sum();
    }

    /**
     * Viewers that are open but received nothing since the previous sample (a viewer left hanging after its
     * publisher reconnected, for instance); updates {@code lastBytes}.
     */
    private static int stalls(Clients clients, Map<ViewerStats, Long> lastBytes) {
        List<Map<ViewerStats, Long>> now = clients.onViewerLoops(k -> {
            Map<ViewerStats, Long> m = new java.util.IdentityHashMap<>();
            for (ViewerStats v : clients.viewersOn(k)) {
                if (v.isOpen()) {
                    m.put(v, v.bytes());
                }
            }
            return m;
        });
        int stalled = 0;
        Map<ViewerStats, Long> next = new java.util.IdentityHashMap<>();
        for (Map<ViewerStats, Long> m : now) {
            for (Map.Entry<ViewerStats, Long> e : m.entrySet()) {
                Long before = lastBytes.get(e.getKey());
                if (before != null && before.longValue() == e.getValue()) {
                    stalled++;
                }
                next.put(e.getKey(), e.getValue());
            }
        }
        lastBytes.clear();
        lastBytes.putAll(next);
        return stalled;
    }

    private static double first(List<Double> v) {
        return v.isEmpty() ? Double.NaN : v.get(0);
    }

    private static double lastOf(List<Double> v) {
        return v.isEmpty() ? Double.NaN : v.get(v.size() - 1);
    }

    private static double max(List<Double> v) {
        return v.stream().mapToDouble(Double::doubleValue).filter(d -> !Double.isNaN(d)).max().orElse(Double.NaN);
    }
}
