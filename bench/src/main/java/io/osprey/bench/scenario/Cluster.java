package io.osprey.bench.scenario;

import io.osprey.bench.Options;
import io.osprey.bench.flv.FlvSource;
import io.osprey.bench.report.Result;
import io.osprey.bench.report.Stats;
import io.osprey.bench.rtmp.RtmpPublisher;
import io.osprey.bench.server.OspreyServer;
import io.osprey.bench.server.ProcStats;
import io.osprey.bench.server.Server;
import io.osprey.bench.viewer.ViewerStats;
import io.osprey.testkit.RedisServer;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One origin (the server Main starts) and {@code --edges} edges (more JVMs of the same distribution), all on one
 * {@code redis-server}, on free loopback ports. One RTMP publisher on the origin; {@code --origin-viewers} HTTP-FLV
 * viewers on the origin (the first tier's latency) and N HTTP-FLV viewers spread round-robin over the edges, which
 * pull the stream from the origin once each (the cluster's on-demand relay). Measured: the origin's CPU (it serves
 * the edges' pulls, not the viewers), each tier's added latency from the publisher's probes, and how long the
 * publisher's thread waited for its Redis claim.
 */
public final class Cluster extends Scenario {

    private RedisServer redis;
    private final List<OspreyServer> edges = new ArrayList<>();

    public Cluster(Options o, FlvSource source) {
        super(o, source);
    }

    @Override
    public String name() {
        return "cluster";
    }

    /** Starts redis-server and makes the origin a cluster node on it. */
    @Override
    public void prepare(Server origin) throws Exception {
        if (!RedisServer.available()) {
            throw new IllegalStateException("the cluster scenario needs /usr/bin/redis-server (Debian redis-server)");
        }
        redis = RedisServer.start();
        nodeSets((OspreyServer) origin, "origin");
    }

    private void nodeSets(OspreyServer s, String id) {
        s.addSet("cluster.redisUrl=" + redis.url());
        s.addSet("cluster.nodeId=" + id);
        s.addSet("cluster.advertiseUrl=http://" + Server.HOST + ":" + s.httpPort());
    }

    @Override
    public Result run(Server server) throws Exception {
        OspreyServer origin = (OspreyServer) server;
        Result r = new Result(server.name(), name(), server.describe() + "; " + o.edges + " edges, redis-server "
                + redis.port());
        Path base = origin.dataDir().getParent();
        for (int i = 1; i <= o.edges; i++) {
            OspreyServer e = new OspreyServer(base.resolveSibling(base.getFileName() + "-edge" + i), o.ospreyHome,
                    o.ospreyHls, o.ospreyJavaOpts, o.ospreySets);
            nodeSets(e, "edge" + i);
            edges.add(e);
            log("starting edge%d", i);
            e.start();
        }
        String path = origin.flvPath(o.app, o.stream);
        try (Clients originSide = new Clients(1); Clients edgeSide = new Clients(o.clientThreads)) {
            RtmpPublisher pub = originSide.publish(origin, o.app, o.stream, source, o.probeMs);
            if (!originSide.awaitPublishing(pub, 15_000)) {
                return r.fail("publisher not accepted: " + originSide.onPublisherLoop(pub::closeReason));
            }
            sleepSeconds(o.warmup);
            for (int i = 0; i < o.originViewers; i++) {
                originSide.view(i, Clients.Protocol.FLV, viewerTarget(origin, Clients.Protocol.FLV), path, o.stream);
            }
            log("ramping %d HTTP-FLV viewers over %d edges at %.0f/s", o.viewers, o.edges, o.ramp);
            long rampStart = System.nanoTime();
            for (int started = 0; started < o.viewers; ) {
                int due = (int) Math.min(o.viewers, Math.max(1, Math.floor((System.nanoTime() - rampStart) / 1e9
                        * o.ramp)));
                for (; started < due; started++) {
                    Server edge = edges.get(started % edges.size());
                    edgeSide.view(started, Clients.Protocol.FLV, viewerTarget(edge, Clients.Protocol.FLV), path,
                            o.stream);
                }
                Thread.sleep(5);
            }
            sleepSeconds(o.settle);
            measure(r, origin, originSide, edgeSide);
        }
        return r;
    }

    private void measure(Result r, OspreyServer origin, Clients originSide, Clients edgeSide) throws Exception {
        Side os = new Side(originSide);
        Side es = new Side(edgeSide);
        List<Server> nodes = new ArrayList<>(List.of(origin));
        nodes.addAll(edges);
        ProcStats.Sample[] cpu0 = nodes.stream().map(Server::sample).toArray(ProcStats.Sample[]::new);
        ProcStats.Sample redis0 = ProcStats.sample(redisPid());
        ProcStats.Sample self0 = ProcStats.self();
        long t0 = System.nanoTime();
        log("measuring %.0f s", o.duration);
        sleepSeconds(o.duration);
        long t1 = System.nanoTime();
        ProcStats.Sample[] cpu1 = nodes.stream().map(Server::sample).toArray(ProcStats.Sample[]::new);
        ProcStats.Sample redis1 = ProcStats.sample(redisPid());
        ProcStats.Sample self1 = ProcStats.self();
        double seconds = (t1 - t0) / 1e9;
        os.close(t1);
        es.close(t1);

        double sourceKbps = source.bitsPerSecond() / 1000;
        double[] rates = es.rates(seconds);
        double edgeCpu = 0;
        for (int i = 1; i < nodes.size(); i++) {
            edgeCpu += ProcStats.cpuPercent(cpu0[i], cpu1[i]);
        }
        r.put("viewers", (double) o.viewers);
        r.put("edges", (double) o.edges);
        r.put("connected", (double) es.connected);
        r.put("failed", (double) (o.viewers - es.connected));
        r.put("rate median %", Stats.round(100 * Stats.sortedPercentile(rates, 50) / sourceKbps, 1));
        r.put("viewers ≥95 %", (double) Arrays.stream(rates).filter(k -> k >= 0.95 * sourceKbps).count());
        r.put("first tag p50 ms", Stats.round(Stats.sortedPercentile(es.firstTag, 50), 0));
        r.put("first tag p95 ms", Stats.round(Stats.sortedPercentile(es.firstTag, 95), 0));
        r.put("origin CPU %", Stats.round(ProcStats.cpuPercent(cpu0[0], cpu1[0]), 1));
        r.put("edge CPU % (mean)", Stats.round(edgeCpu / o.edges, 1));
        r.put("redis CPU %", Stats.round(ProcStats.cpuPercent(redis0, redis1), 1));
        double[] lo = os.latencyMs();
        double[] le = es.latencyMs();
        r.put("origin latency p50 ms", Stats.round(Stats.sortedPercentile(lo, 50), 1));
        r.put("origin latency p99 ms", Stats.round(Stats.sortedPercentile(lo, 99), 1));
        r.put("edge latency p50 ms", Stats.round(Stats.sortedPercentile(le, 50), 1));
        r.put("edge latency p99 ms", Stats.round(Stats.sortedPercentile(le, 99), 1));
        r.put("edge tier adds p50 ms", Stats.round(Stats.sortedPercentile(le, 50) - Stats.sortedPercentile(lo, 50), 1));
        r.put("edge tier adds p99 ms", Stats.round(Stats.sortedPercentile(le, 99) - Stats.sortedPercentile(lo, 99), 1));
        double waits = origin.counter("osprey_cluster_claim_waits_total");
        r.put("claim wait ms", waits == 0 ? Double.NaN
                : Stats.round(1000 * origin.counter("osprey_cluster_claim_wait_seconds_total") / waits, 2));
        r.put("claim wait max ms", Stats.round(1000 * origin.counter("osprey_cluster_claim_wait_max_seconds"), 2));
        double pulls = 0;
        for (OspreyServer e : edges) {
            pulls += e.counter("osprey_httpflv_relay_pulls_started_total");
        }
        r.put("edge pulls started", pulls);
        r.put("origin RSS MB", toMb(cpu1[0].rssBytes()));
        r.put("bench CPU %", Stats.round(ProcStats.cpuPercent(self0, self1), 1));
        r.put("bench lag ms", Stats.round(Math.max(os.lagMs, es.lagMs), 0));
        r.note(String.format(java.util.Locale.ROOT, "window %.1f s; %d origin-tier and %d edge-tier latency samples "
                + "(%d origin viewers); load %s", seconds, lo.length, le.length, o.originViewers, loadavg()));
        if (Math.max(os.lagMs, es.lagMs) > 200) {
            r.note(String.format(java.util.Locale.ROOT, "the bench's viewer loops ran up to %.0f ms late: the load "
                    + "generator was short of CPU, so latencies are partly its own", Math.max(os.lagMs, es.lagMs)));
        }
        if (!es.failures.isEmpty() || !os.failures.isEmpty()) {
            r.note("failures: edges " + es.failures + ", origin " + os.failures);
        }
        if (es.connected == 0) {
            r.fail("no edge viewer got data");
        }
    }

    private long redisPid() {
        return redis.pid();
    }

    private static String loadavg() {
        try {
            return java.nio.file.Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (java.io.IOException e) {
            return "?";
        }
    }

    /** One client side's viewers: bytes at the window's start, then rates, first tags and probe latencies. */
    private static final class Side {
        private final Clients clients;
        private final Map<ViewerStats, Long> start = new HashMap<>();
        private final List<Double> rateList = new ArrayList<>();
        private double[] firstTag = new double[0];
        private long[] latency = new long[0];
        private int connected;
        private double lagMs;
        private final Map<String, Integer> failures = new HashMap<>();

        Side(Clients clients) {
            this.clients = clients;
            long now = System.nanoTime();
            clients.onViewerLoops(k -> {
                clients.recorder(k).open(now);
                Map<ViewerStats, Long> m = new HashMap<>();
                clients.viewersOn(k).forEach(v -> m.put(v, v.isOpen() ? v.bytes() : -1));
                return m;
            }).forEach(start::putAll);
            clients.takeMaxLagMs();
        }

        void close(long end) {
            lagMs = clients.takeMaxLagMs();
            List<Object[]> parts = clients.onViewerLoops(k -> {
                clients.recorder(k).close(end);
                List<double[]> vs = new ArrayList<>();
                Map<String, Integer> why = new HashMap<>();
                for (ViewerStats v : clients.viewersOn(k)) {
                    if (!v.isOpen() || !v.gotData()) {
                        why.merge(v.isOpen() ? "no data within the run" : String.valueOf(v.closeReason()), 1,
                                Integer::sum);
                    }
                    Long b = start.get(v);
                    vs.add(new double[] {v.isOpen() && v.gotData() ? 1 : 0, b == null || b < 0 ? -1 : v.bytes() - b,
                            v.firstTagNanos() < 0 ? -1 : v.firstTagNanos() / 1e6});
                }
                return new Object[] {vs, clients.recorder(k).samples(), why};
            });
            List<Double> ft = new ArrayList<>();
            for (Object[] p : parts) {
                @SuppressWarnings("unchecked")
                List<double[]> vs = (List<double[]>) p[0];
                for (double[] v : vs) {
                    connected += (int) v[0];
                    if (v[1] >= 0) {
                        rateList.add(v[1]);
                    }
                    if (v[2] >= 0) {
                        ft.add(v[2]);
                    }
                }
                @SuppressWarnings("unchecked")
                Map<String, Integer> why = (Map<String, Integer>) p[2];
                why.forEach((k, n) -> failures.merge(k, n, Integer::sum));
                long[] l = (long[]) p[1];
                int n = latency.length;
                latency = Arrays.copyOf(latency, n + l.length);
                System.arraycopy(l, 0, latency, n, l.length);
            }
            firstTag = ft.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        }

        double[] rates(double seconds) {
            return rateList.stream().mapToDouble(b -> b * 8 / seconds / 1000).sorted().toArray();
        }

        double[] latencyMs() {
            return Arrays.stream(latency).mapToDouble(us -> us / 1000.0).sorted().toArray();
        }
    }

    /** Stops the edges and redis-server (Main stops the origin). */
    @Override
    public void finish() throws Exception {
        for (OspreyServer e : edges) {
            e.close();
        }
        edges.clear();
        if (redis != null) {
            redis.close();
            redis = null;
        }
    }
}
