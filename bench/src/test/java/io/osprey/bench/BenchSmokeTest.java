package io.osprey.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.osprey.bench.flv.FlvSource;
import io.osprey.bench.report.Report;
import io.osprey.bench.report.Result;
import io.osprey.bench.scenario.Clients;
import io.osprey.bench.scenario.Cluster;
import io.osprey.bench.scenario.Fanout;
import io.osprey.bench.scenario.HlsServe;
import io.osprey.bench.scenario.Ingest;
import io.osprey.bench.scenario.Soak;
import io.osprey.bench.server.OspreyServer;
import io.osprey.bench.server.Server;
import io.osprey.testkit.TestMedia;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every scenario at tiny scale against the built distribution (started once), so the tool never rots. These check
 * that the tool works and reports what it should, not how fast anything is. Peers are not needed.
 */
class BenchSmokeTest {

    private static OspreyServer osprey;
    private static FlvSource media;
    private static final List<Result> RESULTS = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        Path dist = Path.of(System.getProperty("osprey.dist", "../distribution/target/osprey")).normalize();
        assertTrue(Files.isRegularFile(dist.resolve("bin/osprey")), "no built distribution at " + dist);
        media = FlvSource.load(TestMedia.h264Aac(10, 500));
        osprey = new OspreyServer(Files.createTempDirectory("bench-smoke"), dist, "/hls/{app}/{stream}/index.m3u8",
                null, List.of());
        osprey.start();
    }

    @AfterAll
    static void stop() throws Exception {
        if (osprey != null) {
            osprey.close();
        }
        if (!RESULTS.isEmpty()) {
            Report report = new Report("BenchSmokeTest");
            RESULTS.forEach(report::add);
            Path md = report.write(Path.of("target/smoke-results"));
            assertTrue(Files.readString(md).contains("| osprey |"));
        }
    }

    static Options options(String... args) {
        return Options.parse(args);
    }

    private static Result keep(Result r) {
        RESULTS.add(r);
        return r;
    }

    @Test
    void fanoutFlv() throws Exception {
        Result r = keep(new Fanout(options("fanout-flv", "--viewers", "5", "--duration", "3", "--warmup", "1",
                "--settle", "0.5"), media, Clients.Protocol.FLV).run(osprey));
        assertTrue(r.ok(), r.status());
        assertEquals(5, r.number("connected"), r.notes().toString());
        assertEquals(0, r.number("failed"));
        assertTrue(r.number("rate median %") > 50, "rate " + r.figures());
        assertFalse(Double.isNaN(r.number("latency p50 ms")), "Osprey relays the probes: " + r.notes());
        assertFalse(Double.isNaN(r.number("first tag p95 ms")));
        assertTrue(r.number("RSS MB") > 10);
        assertTrue(r.number("heap MB") > 0, "heap from /metrics");
        assertTrue(r.number("server CPU %") >= 0);
    }

    @Test
    void clusterOriginAndEdge() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(io.osprey.testkit.RedisServer.available(),
                "redis-server not installed (.ci/deps)");
        Path dist = Path.of(System.getProperty("osprey.dist", "../distribution/target/osprey")).normalize()
                .toAbsolutePath();
        Cluster c = new Cluster(options("cluster", "--edges", "1", "--viewers", "4", "--origin-viewers", "1",
                "--duration", "3", "--warmup", "1", "--settle", "1", "--osprey", dist.toString()), media);
        OspreyServer origin = new OspreyServer(Files.createTempDirectory("bench-cluster").resolve("origin"), dist,
                "/hls/{app}/{stream}/index.m3u8", null, List.of());
        try {
            c.prepare(origin);
            origin.start();
            Result r = keep(c.run(origin));
            assertTrue(r.ok(), r.status() + " " + r.notes());
            assertEquals(4, r.number("connected"), r.notes().toString());
            assertEquals(1, r.number("edge pulls started"), "one pull from the origin serves every edge viewer");
            assertTrue(r.number("edge latency p50 ms") >= 0, "probes cross the edge: " + r.figures());
            assertTrue(r.number("claim wait max ms") > 0, "the origin's publish claimed through Redis");
        } finally {
            c.finish();
            origin.close();
        }
    }

    @Test
    void fanoutRtmp() throws Exception {
        Result r = keep(new Fanout(options("fanout-rtmp", "--viewers", "5", "--duration", "3", "--warmup", "1",
                "--settle", "0.5"), media, Clients.Protocol.RTMP).run(osprey));
        assertTrue(r.ok(), r.status());
        assertEquals(5, r.number("connected"), r.notes().toString());
        assertTrue(r.number("rate median %") > 50, "rate " + r.figures());
        assertFalse(Double.isNaN(r.number("latency p50 ms")), "Osprey relays the probes over RTMP: " + r.notes());
    }

    /** Osprey serves WebSocket-FLV once issue 4 lands; until then the tool must say so plainly. */
    @Test
    void fanoutWs() throws Exception {
        Result r = keep(new Fanout(options("fanout-ws", "--viewers", "5", "--duration", "2", "--warmup", "1",
                "--settle", "0.5"), media, Clients.Protocol.WS).run(osprey));
        if (r.ok()) {
            assertEquals(5, r.number("connected"), r.notes().toString());
            assertFalse(Double.isNaN(r.number("latency p50 ms")));
        } else {
            assertTrue(r.status().contains("no WebSocket upgrade"), r.status());
            assertEquals(5, r.number("failed"));
        }
    }

    @Test
    void ingest() throws Exception {
        Result r = keep(new Ingest(options("ingest", "--publishers", "3", "--viewers", "3", "--duration", "3",
                "--warmup", "1"), media).run(osprey));
        assertTrue(r.ok(), r.status());
        assertEquals(3, r.number("publishing"), r.notes().toString());
        assertEquals(3, r.number("sustained"), r.figures().toString());
        assertEquals(0, r.number("frames dropped"));
        assertTrue(r.number("CPU % per stream") >= 0);
    }

    @Test
    void soak() throws Exception {
        Result r = keep(new Soak(options("soak", "--viewers", "6", "--publishers", "2", "--duration", "6",
                "--reconnect", "3", "--churn", "2", "--sample", "2", "--warmup", "1"), media).run(osprey));
        assertTrue(r.ok(), r.status());
        assertTrue(r.number("joins") > 6 && r.number("leaves") > 0, r.figures().toString());
        assertTrue(r.number("publisher reconnects") >= 2, r.figures().toString());
        assertEquals(0, r.number("publisher errors"), r.notes().toString());
        assertEquals(0, r.number("viewer errors"), "viewers stay through publisher reconnects: " + r.notes());
        assertEquals(0, r.number("viewer stalls"), "and keep receiving: " + r.series());
        assertTrue(r.series().size() >= 3, "heap and RSS sampled over time");
        assertTrue(r.number("heap max MB") > 0);
    }

    /**
     * hls-serve end to end: the publisher goes to Osprey, while playlist and segment come from a small HTTP server
     * standing in for an HLS output, so the wrk driving and reading are exercised whether or not the hls plugin is
     * in this build. Against Osprey itself it must either measure or say that the playlist is missing.
     */
    @Test
    void hlsServe() throws Exception {
        HttpServer http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        byte[] playlist = "#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXTINF:2.0,\nseg-1.ts\n#EXTINF:2.0,\nseg-2.ts\n"
                .getBytes(StandardCharsets.US_ASCII);
        byte[] segment = new byte[64 * 1024];
        http.createContext("/hls/live/bench/", ex -> {
            byte[] body = ex.getRequestURI().getPath().endsWith(".m3u8") ? playlist
                    : ex.getRequestURI().getPath().endsWith("seg-2.ts") ? segment : null;
            if (body == null) {
                ex.sendResponseHeaders(404, -1);
            } else {
                ex.sendResponseHeaders(200, body.length);
                ex.getResponseBody().write(body);
            }
            ex.close();
        });
        http.start();
        try {
            Server standIn = new StandIn(osprey, http.getAddress().getPort());
            Result r = new HlsServe(options("hls-serve", "--duration", "1", "--wrk-connections", "4",
                    "--wrk-warmup", "1", "--hls-wait", "5", "--hls-segments", "2"), media).run(standIn);
            assertTrue(r.ok(), r.status());
            assertTrue(r.number("playlist req/s") > 0 && r.number("segment req/s") > 0, r.figures().toString());
            assertEquals(64, r.number("segment KB"));
            assertEquals(0, r.number("errors"));
        } finally {
            http.stop(0);
        }
        Result real = keep(new HlsServe(options("hls-serve", "--duration", "1", "--wrk-connections", "4",
                "--wrk-warmup", "1", "--hls-wait", "8"), media).run(osprey));
        assertTrue(real.ok() || real.status().contains("no HLS playlist with a segment at http://127.0.0.1:"
                + osprey.httpPort() + "/hls/live/bench/index.m3u8"), real.status());
    }

    /**
     * The latency probe against a known delay: the same viewers through a proxy that holds the server-to-viewer
     * bytes for 50 ms must show about 50 ms more added latency (bounds wide enough for a loaded machine).
     */
    @Test
    void latencyProbeSeesAnInjectedDelay() throws Exception {
        Options o = options("fanout-flv", "--viewers", "3", "--duration", "4", "--warmup", "1", "--settle", "1",
                "--probe-ms", "50");
        Result direct = new Fanout(o, media, Clients.Protocol.FLV).run(osprey);
        Result delayed;
        try (DelayProxy proxy = new DelayProxy(new InetSocketAddress("127.0.0.1", osprey.httpPort()), 50)) {
            delayed = new Fanout(o, media, Clients.Protocol.FLV)
                    .via(new InetSocketAddress("127.0.0.1", proxy.port())).run(osprey);
        }
        assertTrue(direct.ok() && delayed.ok(), direct.status() + " / " + delayed.status());
        assertEquals(3, delayed.number("connected"), delayed.notes().toString());
        double added = delayed.number("latency p50 ms") - direct.number("latency p50 ms");
        assertTrue(added >= 35 && added <= 150, "the proxy's 50 ms showed as " + added + " ms (direct "
                + direct.figures() + ", delayed " + delayed.figures() + ")");
    }

    /** Osprey's RTMP port, a stand-in's HTTP port. */
    private static final class StandIn extends Server {
        private final Server rtmp;
        private final int http;

        StandIn(Server rtmp, int http) throws IOException {
            super("stand-in", Files.createTempDirectory("bench-standin"));
            this.rtmp = rtmp;
            this.http = http;
        }

        @Override
        public void start() {
        }

        @Override
        public int rtmpPort() {
            return rtmp.rtmpPort();
        }

        @Override
        public int httpPort() {
            return http;
        }

        @Override
        public String flvPath(String app, String stream) {
            return null;
        }

        @Override
        public String wsPath(String app, String stream) {
            return null;
        }

        @Override
        public String hlsPath(String app, String stream) {
            return "/hls/" + app + "/" + stream + "/index.m3u8";
        }

        @Override
        public long pid() {
            return ProcessHandle.current().pid();
        }

        @Override
        public String describe() {
            return "a JDK HttpServer";
        }
    }
}
