package io.osprey.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.osprey.bench.flv.FlvSource;
import io.osprey.bench.report.Result;
import io.osprey.bench.scenario.Clients;
import io.osprey.bench.scenario.Fanout;
import io.osprey.bench.scenario.HlsServe;
import io.osprey.bench.scenario.Ingest;
import io.osprey.bench.scenario.Wrk;
import io.osprey.bench.server.PeerUnavailableException;
import io.osprey.bench.server.SrsServer;
import io.osprey.testkit.TestMedia;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code --peer srs} at tiny scale against a real SRS 6, so the peer's generated config and every scenario that
 * drives it keep working. SRS is not packaged and nothing of it is in the repository: the test runs where
 * {@code build-srs.sh} left a binary in {@code bench/target/peers/srs} (or {@code srs} is on PATH) and is skipped
 * elsewhere (the CI machine). Checks that the tool works against SRS and says what SRS lacks, not how fast it is.
 */
class SrsPeerTest {

    private static SrsServer srs;
    private static FlvSource media;

    @BeforeAll
    static void start() throws Exception {
        Path binary;
        try {
            binary = SrsServer.find(Path.of("target/peers"));
        } catch (PeerUnavailableException e) {
            Assumptions.abort(e.getMessage());
            return;
        }
        media = FlvSource.load(TestMedia.h264Aac(10, 500));
        srs = new SrsServer(Files.createTempDirectory("bench-srs"), binary);
        srs.start();
    }

    @AfterAll
    static void stop() throws Exception {
        if (srs != null) {
            srs.close();
        }
    }

    private static Options options(String... args) {
        return Options.parse(args);
    }

    @Test
    void fanoutFlvStatesSrsDefaultsAndCannotSeeProbes() throws Exception {
        Result r = new Fanout(options("fanout-flv", "--viewers", "5", "--duration", "3", "--warmup", "1",
                "--settle", "0.5"), media, Clients.Protocol.FLV).run(srs);
        assertTrue(r.ok(), r.status());
        assertEquals(5, r.number("connected"), r.notes().toString());
        assertTrue(r.number("rate median %") > 50, "rate " + r.figures());
        assertTrue(r.describe().contains("mw_latency 350 ms") && r.describe().contains("gop_cache on"),
                r.describe());
        assertTrue(Double.isNaN(r.number("latency p50 ms")), "SRS drops AMF0 data but onMetaData: " + r.figures());
        assertTrue(r.notes().stream().anyMatch(n -> n.startsWith("latency n/a")), r.notes().toString());
    }

    @Test
    void fanoutRtmp() throws Exception {
        Result r = new Fanout(options("fanout-rtmp", "--viewers", "5", "--duration", "3", "--warmup", "1",
                "--settle", "0.5"), media, Clients.Protocol.RTMP).run(srs);
        assertTrue(r.ok(), r.status());
        assertEquals(5, r.number("connected"), r.notes().toString());
        assertTrue(r.number("rate median %") > 50, "rate " + r.figures());
    }

    @Test
    void fanoutWsSaysSrsHasNone() throws Exception {
        Result r = new Fanout(options("fanout-ws", "--viewers", "5", "--duration", "2"), media,
                Clients.Protocol.WS).run(srs);
        assertEquals("unavailable: SRS 6 has no WebSocket-FLV output: it has no WebSocket server at all (its "
                + "HTTP-FLV remux is plain HTTP only), so there is nothing to measure", r.status());
    }

    @Test
    void ingest() throws Exception {
        Result r = new Ingest(options("ingest", "--publishers", "3", "--viewers", "3", "--duration", "3",
                "--warmup", "1"), media).run(srs);
        assertTrue(r.ok(), r.status());
        assertEquals(3, r.number("publishing"), r.notes().toString());
        assertEquals(3, r.number("sustained"), r.figures().toString());
        assertTrue(r.number("server CPU %") >= 0 && r.number("RSS MB") > 1, r.figures().toString());
    }

    /** SRS answers a master playlist (hls_ctx) and closes every connection: hls-serve follows and still measures. */
    @Test
    void hlsServeFollowsTheSessionPlaylist() throws Exception {
        Assumptions.assumeTrue(Wrk.available(), "wrk is not installed");
        Result r = new HlsServe(options("hls-serve", "--duration", "1", "--wrk-connections", "4", "--wrk-warmup",
                "0", "--hls-wait", "15", "--hls-segments", "1", "--stream", "hls"), media).run(srs);
        assertTrue(r.ok(), r.status());
        assertTrue(r.number("playlist req/s") > 0 && r.number("segment req/s") > 0, r.figures().toString());
        assertEquals(0, r.number("errors"), r.notes().toString());
        assertTrue(r.notes().stream().anyMatch(n -> n.contains("hls_ctx=")), "the per-session variant is measured: "
                + r.notes());
    }
}
