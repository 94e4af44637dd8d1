package io.osprey.bench.scenario;

import io.osprey.bench.Options;
import io.osprey.bench.flv.FlvSource;
import io.osprey.bench.report.Result;
import io.osprey.bench.report.Stats;
import io.osprey.bench.rtmp.RtmpPublisher;
import io.osprey.bench.server.ProcStats;
import io.osprey.bench.server.Server;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * One live stream published over RTMP; once its HLS playlist lists {@code --hls-segments} segments (or at least one
 * when {@code --hls-wait} runs out), {@code wrk} is driven at the playlist,
 * then at the newest segment, each for the window, and the server's CPU is taken meanwhile: per cent of a core,
 * and per answered request (the figure that does not depend on whether wrk, which shares the cores, or the server
 * was the bottleneck; wrk's own CPU is printed beside it). Osprey runs in its default configuration (as many
 * selector threads as cores) unless {@code --osprey-set server.http.selectors=N} says otherwise.
 */
public final class HlsServe extends Scenario {

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    public HlsServe(Options o, FlvSource source) {
        super(o, source);
    }

    @Override
    public String name() {
        return "hls-serve";
    }

    @Override
    public Result run(Server server) throws Exception {
        String path = server.hlsPath(o.app, o.stream);
        if (path == null) {
            return Result.unavailable(server.name(), name(), server.missing("HLS"));
        }
        if (!Wrk.available()) {
            return Result.unavailable(server.name(), name(), "wrk is not installed; run: " + Wrk.INSTALL);
        }
        Result r = new Result(server.name(), name(), server.describe());
        String base = "http://" + Server.HOST + ":" + server.httpPort();
        URI playlist = URI.create(base + path + (o.hlsQuery.isEmpty() ? "" : "?" + o.hlsQuery));
        try (Clients clients = new Clients(1)) {
            RtmpPublisher pub = clients.publish(server, o.app, o.stream, source, o.probeMs);
            if (!clients.awaitPublishing(pub, 15_000)) {
                return r.fail("publisher not accepted: " + clients.onPublisherLoop(pub::closeReason));
            }
            log("%s: waiting for a segment in %s", server.name(), playlist);
            String segment = null;
            URI master = null;
            int segments = 0;
            int lastStatus = -1;
            long deadline = System.currentTimeMillis() + (long) (o.hlsWait * 1000);
            while (segments < o.hlsSegments && System.currentTimeMillis() < deadline) {
                HttpResponse<String> rs = get(playlist);
                lastStatus = rs == null ? -1 : rs.statusCode();
                if (lastStatus == 200 && rs.body().contains("#EXT-X-STREAM-INF")) {
                    // a master playlist (SRS's hls_ctx answers one naming a per-session playlist): a player polls
                    // the variant, so wrk does too
                    URI variant = playlist.resolve(newestSegment(rs.body()));
                    log("%s: %s is a master playlist; measuring its variant %s", server.name(), playlist, variant);
                    master = playlist;
                    playlist = variant;
                    continue;
                }
                if (lastStatus == 200 && newestSegment(rs.body()) != null) {
                    segment = newestSegment(rs.body());
                    segments = segmentCount(rs.body());
                }
                if (segments < o.hlsSegments) {
                    Thread.sleep(500);
                }
            }
            if (segment == null) {
                return Result.unavailable(server.name(), name(), "no HLS playlist with a segment at " + playlist
                        + " within " + Math.round(o.hlsWait) + " s (last answer: "
                        + (lastStatus < 0 ? "no connection" : "HTTP " + lastStatus)
                        + ")" + (server.name().equals("osprey") ? "; is the hls plugin in the distribution's "
                        + "plugins/ folder? (--osprey-hls sets the path)" : ""));
            }
            HttpResponse<String> pl = get(playlist);
            int playlistBytes = pl == null ? 0 : pl.body().length();
            log("%s: wrk -t%d -c%d at the playlist (%d B), %.0f s", server.name(), o.wrkThreads,
                    o.wrkConnections, playlistBytes, o.duration);
            // the server's own load with the publisher alone (ingest, packaging, a recorder in Osprey's default
            // config), part of every CPU figure below
            ProcStats.Sample i0 = server.sample();
            Thread.sleep(IDLE_MS);
            ProcStats.Sample i1 = server.sample();
            URI pl0 = playlist;
            warmup(() -> pl0.toString(), o, server);
            ProcStats.Sample a = server.sample();
            Wrk.Figures p = Wrk.run(playlist.toString(), o.wrkThreads, o.wrkConnections, o.duration);
            ProcStats.Sample a2 = server.sample(); // before the segment's warm-up, which is not the playlist's CPU
            // each round at the newest segment: the window is a few segments, and a warm-up at one that has left it
            // would compile the 404 path
            URI pl1 = playlist;
            String first = segment;
            warmup(() -> pl1.resolve(newest(pl1, first)).toString(), o, server);
            // the newest segment only now: one chosen before the runs may leave a short window during them
            pl = get(playlist);
            if (pl != null && pl.statusCode() == 200 && newestSegment(pl.body()) != null) {
                segment = newestSegment(pl.body());
            }
            URI segUri = playlist.resolve(segment);
            HttpResponse<byte[]> seg = http.send(HttpRequest.newBuilder(segUri).timeout(Duration.ofSeconds(10))
                    .build(), HttpResponse.BodyHandlers.ofByteArray());
            if (seg.statusCode() != 200) {
                return r.fail("segment " + segUri + ": HTTP " + seg.statusCode());
            }
            log("%s: wrk -t%d -c%d at %s (%d KB), %.0f s", server.name(), o.wrkThreads, o.wrkConnections, segment,
                    seg.body().length / 1024, o.duration);
            ProcStats.Sample b = server.sample();
            Wrk.Figures s = Wrk.run(segUri.toString(), o.wrkThreads, o.wrkConnections, o.duration);
            ProcStats.Sample c = server.sample();
            r.put("idle CPU %", Stats.round(ProcStats.cpuPercent(i0, i1), 1));
            r.put("playlist req/s", Stats.round(p.requestsPerSecond(), 0));
            r.put("playlist p50 ms", Stats.round(p.p50Ms(), 2));
            r.put("playlist p99 ms", Stats.round(p.p99Ms(), 2));
            r.put("playlist CPU %", Stats.round(ProcStats.cpuPercent(a, a2), 0));
            r.put("playlist CPU µs/req", Stats.round(perRequest(a, a2, p), 1));
            r.put("playlist wrk CPU %", Stats.round(p.cpuPercent((a2.nanos() - a.nanos()) / 1e9), 0));
            r.put("segment KB", (double) (seg.body().length / 1024));
            r.put("segment req/s", Stats.round(s.requestsPerSecond(), 0));
            r.put("segment MB/s", Stats.round(s.bytesPerSecond() / 1024 / 1024, 0));
            r.put("segment p50 ms", Stats.round(s.p50Ms(), 2));
            r.put("segment p99 ms", Stats.round(s.p99Ms(), 2));
            r.put("segment CPU %", Stats.round(ProcStats.cpuPercent(b, c), 0));
            r.put("segment CPU µs/req", Stats.round(perRequest(b, c, s), 1));
            r.put("segment wrk CPU %", Stats.round(s.cpuPercent((c.nanos() - b.nanos()) / 1e9), 0));
            r.put("errors", (double) (p.non2xx() + p.socketErrors() + s.non2xx() + s.socketErrors()));
            if (master != null) {
                r.note("master playlist " + master.getPath() + " names the variant measured below");
            }
            r.note("playlist " + playlist.getPath() + (playlist.getQuery() == null ? "" : "?" + playlist.getQuery())
                    + " (" + playlistBytes + " B, " + segments + " segments), segment "
                    + segUri.getPath() + (segUri.getQuery() == null ? "" : "?" + segUri.getQuery())
                    + "; wrk -t" + o.wrkThreads + " -c" + o.wrkConnections + " -d" + Math.round(o.duration) + "s"
                    + (o.wrkWarmup > 0 ? " after " + Math.round(o.wrkWarmup) + " s rounds of unmeasured wrk at each URL"
                    + " until the JIT settled" : "")
                    + "; CPU µs/req is the server's CPU time over the run divided by the requests wrk counted");
            if (p.non2xx() + s.non2xx() > 0) {
                r.note("non-2xx answers: playlist " + p.non2xx() + ", segment " + s.non2xx()
                        + " (a segment can leave the live window during the run)");
            }
        }
        return r;
    }

    /** The server's CPU per answered request between two samples, in microseconds. */
    static double perRequest(ProcStats.Sample from, ProcStats.Sample to, Wrk.Figures f) {
        return f.requests() <= 0 ? 0 : (to.cpuSeconds() - from.cpuSeconds()) * 1e6 / f.requests();
    }

    private HttpResponse<String> get(URI uri) throws InterruptedException {
        try {
            return http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            return null;
        }
    }

    static int segmentCount(String playlist) {
        int n = 0;
        for (String line : playlist.split("\r?\n")) {
            if (!line.isBlank() && !line.trim().startsWith("#")) {
                n++;
            }
        }
        return n;
    }

    /** The last media URI in a media playlist (RFC 8216 4.3.2: URI lines follow their tags), or null. */
    static String newestSegment(String playlist) {
        String last = null;
        for (String line : playlist.split("\r?\n")) {
            String t = line.trim();
            if (!t.isEmpty() && !t.startsWith("#")) {
                last = t;
            }
        }
        return last;
    }

    /** How long the server's CPU is sampled with the publisher alone, before any request load. */
    static final long IDLE_MS = 5_000;

    /** Warm-up rounds at most, each of {@code --wrk-warmup} seconds, while the JIT still compiles. */
    static final int MAX_WARMUP_ROUNDS = 10;
    /** The JIT has settled when its compiler threads took less than this share of a round's wall time. */
    static final double JIT_SETTLED = 0.03;

    /**
     * Unmeasured load first, so a JIT-compiled server is measured warm, as it runs in production (nginx alike): one
     * round of {@code --wrk-warmup} seconds, then more (up to {@value #MAX_WARMUP_ROUNDS}) while the server's JIT
     * compiler threads are still busy. Session 7 found C2 at 26-35 % of Osprey's CPU during the measured runs after
     * a single 3 s round on a loaded 2-core machine: compiling, not serving. A server without such threads (nginx)
     * gets one round.
     */
    private void warmup(java.util.function.Supplier<String> url, Options o, Server server)
            throws java.io.IOException, InterruptedException {
        if (o.wrkWarmup <= 0) {
            return;
        }
        for (int round = 1; round <= MAX_WARMUP_ROUNDS; round++) {
            double jit = jitCpu(server);
            long t0 = System.nanoTime();
            Wrk.run(url.get(), o.wrkThreads, o.wrkConnections, o.wrkWarmup);
            double share = (jitCpu(server) - jit) / ((System.nanoTime() - t0) / 1e9);
            if (share < JIT_SETTLED) {
                if (round > 1) {
                    log("%s: JIT settled after %d warm-up rounds", server.name(), round);
                }
                return;
            }
            if (round == MAX_WARMUP_ROUNDS) {
                log("%s: JIT compiler threads still at %.0f %% of a core after %d warm-up rounds", server.name(),
                        100 * share, round);
            }
        }
    }

    /** The newest segment URI of the playlist at {@code playlist}, or {@code fallback} if it cannot be read. */
    private String newest(URI playlist, String fallback) {
        try {
            HttpResponse<String> rs = get(playlist);
            String n = rs != null && rs.statusCode() == 200 ? newestSegment(rs.body()) : null;
            return n != null ? n : fallback;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return fallback;
        }
    }

    private static double jitCpu(Server server) {
        return ProcStats.threadCpu(server.pid(), "C1 CompilerThre", "C2 CompilerThre");
    }
}
