package io.osprey.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.osprey.testkit.Await;
import io.osprey.testkit.Ffmpeg;
import io.osprey.testkit.FreePorts;
import io.osprey.testkit.Probe;
import io.osprey.testkit.RedisServer;
import io.osprey.testkit.TestMedia;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Three nodes of the assembled distribution (separate JVMs, free ports) and a real redis-server: a stream published
 * on A is played from B and C over HTTP-FLV, HLS and RTMP (each edge pulls it once from A, found in the registry);
 * {@code /api/cluster} shows the owner and the pulls; a second publisher on B is refused; A killed, its claim is gone
 * within TTL + 2 s and the publisher moves to C; Redis stopped, local streams keep playing and the registry comes
 * back by itself when Redis returns.
 */
class ClusterIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long TTL_MS = 3_000; // renewed every second: room for a late heartbeat on a loaded machine
    private static final String STREAM = "live/cam";

    private static String config(RedisServer redis) {
        return """
                cluster:
                  redisUrl: %s
                  ttlMs: %d
                  nodeId: node-${httpPort}
                  advertiseUrl: http://127.0.0.1:${httpPort}
                bus:
                  reconnectGraceMs: 3000
                plugins:
                  hls:
                    segmentMs: 1000
                  httpflv:
                    relay: { waitMs: 15000 }   # a first pull on a loaded machine may take seconds
                  rtmp-ingest:
                    playWaitMs: 15000
                  auth: { enabled: false }
                  ratelimit: { enabled: false }
                  cleanup: { enabled: false }
                  fmp4-recorder: { enabled: false }
                  pass-through-muxer: { enabled: false }
                """.formatted(redis.url(), TTL_MS);
    }

    @Test
    void threeNodesOneOwnerEdgePullsOnEveryProtocolFailoverAndRedisOutage() throws Exception {
        assumeTrue(RedisServer.available(), "redis-server is not installed (.ci/deps installs it)");
        List<Process> publishers = new ArrayList<>();
        long t0 = System.nanoTime();
        Path clip = TestMedia.h264Aac(4, 300);
        try (RedisServer redis = RedisServer.start();
             DistributionProcess a = new DistributionProcess(config(redis));
             DistributionProcess b = new DistributionProcess(config(redis));
             DistributionProcess c = new DistributionProcess(config(redis))) {
            for (DistributionProcess n : List.of(a, b, c)) {
                n.awaitReady(120); // three JVMs starting at once on a small, shared machine
            }
            phase(t0, "nodes ready");
            publishers.add(publish(a, clip));
            Await.until("the stream live on A", Duration.ofSeconds(20), () -> a.flvStatus("/" + STREAM + ".flv") == 200);
            assertEquals(node(a), ownerNode(b), "B finds A as the owner in the registry");

            phase(t0, "stream live on A");
            // every protocol on both edges: each edge pulls the stream once from A
            List<CompletableFuture<String>> probes = new ArrayList<>();
            for (DistributionProcess edge : List.of(b, c)) {
                probes.add(probe(edge.url("/" + STREAM + ".flv")));
                probes.add(probe(edge.rtmp("/" + STREAM)));
                probes.add(probe(edge.url("/hls/" + STREAM + "/index.m3u8")));
            }
            for (CompletableFuture<String> p : probes) {
                assertEquals("h264", p.get(60, TimeUnit.SECONDS));
            }
            for (DistributionProcess n : List.of(a, b, c)) {
                Await.until("/api/cluster on " + node(n) + " to show A's stream pulled by B and C",
                        Duration.ofSeconds(10), () -> {
                            JsonNode s = stream(n);
                            return s != null && node(a).equals(s.path("owner").asText())
                                    && s.path("pulledBy").toString().contains(node(b))
                                    && s.path("pulledBy").toString().contains(node(c));
                        });
            }
            phase(t0, "probes and /api/cluster");
            JsonNode nodes = cluster(b).path("nodes");
            assertEquals(3, nodes.size(), nodes.toString());
            throughNginx(a.home().resolve("conf/examples/cluster/nginx.conf"), b, c);
            phase(t0, "through nginx");

            // hot swap on an edge: httpflv stopped ends B's pull; started again, the next viewer pulls anew
            assertEquals(200, b.post("/api/plugins/httpflv/stop").statusCode());
            Await.until("B's pull to stop with its plugin", Duration.ofSeconds(10),
                    () -> status(b, "/api/streams/" + STREAM) == 404);
            assertEquals(200, b.post("/api/plugins/httpflv/start").statusCode());
            assertEquals("h264", probe(b.url("/" + STREAM + ".flv")).get(60, TimeUnit.SECONDS));
            phase(t0, "httpflv stopped and started on B, pulling again");

            // a second publisher of the live key on B is refused (the cluster check, before B's own relay)
            Ffmpeg.Result second = Ffmpeg.run(30, Ffmpeg.ffmpeg(), "-v", "error", "-re", "-i", clip.toString(),
                    "-t", "2", "-c", "copy", "-f", "flv", b.rtmp("/" + STREAM));
            assertNotEquals(0, second.exitCode(), "the second publisher on B must be refused");
            assertTrue(b.get("/metrics").body().contains("osprey_cluster_claims_refused_total 1.0"));

            phase(t0, "second publisher refused");
            // A dies (SIGKILL: no release): its claim expires within the TTL, then a publisher is accepted on C
            a.process().destroyForcibly().waitFor();
            long killed = System.nanoTime();
            Ffmpeg.stop(publishers.remove(0));
            Await.until("A's claim to expire", Duration.ofMillis(TTL_MS + 2_000), () -> {
                JsonNode o = owner(c);
                return o != null && o.isNull();
            });
            long freedMs = (System.nanoTime() - killed) / 1_000_000;
            phase(t0, "A's claim freed " + freedMs + " ms after the kill (TTL " + TTL_MS + " ms)");
            assertTrue(freedMs <= TTL_MS + 2_000, "claim freed after " + freedMs + " ms");
            publishers.add(publish(c, clip));
            Await.until("the publisher accepted on C", Duration.ofSeconds(15),
                    () -> node(c).equals(ownerNode(b)));
            // the edge B follows the stream to its new owner
            assertEquals("h264", probe(b.url("/" + STREAM + ".flv")).get(60, TimeUnit.SECONDS));

            phase(t0, "failover to C");
            // Redis stops: local publish and play go on, lookups answer 503 with the reason
            redis.kill();
            Await.until("C to notice Redis is gone", Duration.ofSeconds(10), () -> status(c, "/api/cluster") == 503);
            assertTrue(c.get("/api/cluster").body().contains("does not answer"));
            assertEquals("h264", probe(c.url("/" + STREAM + ".flv")).get(60, TimeUnit.SECONDS));
            phase(t0, "outage checked");
            redis.restart(); // empty: the nodes write their heartbeats and claims back
            Await.until("the registry re-established", Duration.ofSeconds(10), () -> {
                return node(c).equals(ownerNode(b)) && cluster(b).path("nodes").size() == 2;
            });
        } finally {
            for (Process p : publishers) {
                Ffmpeg.stop(p);
            }
        }
    }

    /**
     * The example nginx config in front of B and C (ports and paths rewritten): HTTP-FLV, HLS and RTMP of the
     * stream read through it. Skipped when nginx is not installed.
     */
    private static void throughNginx(Path example, DistributionProcess b, DistributionProcess c) throws Exception {
        Path nginx = Path.of("/usr/sbin/nginx");
        if (!Files.isExecutable(nginx)) {
            System.out.println("ClusterIT: nginx is not installed (.ci/deps installs it); skipping the nginx part");
            return;
        }
        Path dir = Files.createTempDirectory("cluster-nginx");
        int http = FreePorts.next();
        int rtmp = FreePorts.next();
        String conf = Files.readString(example)
                .replace("listen 80;", "listen 127.0.0.1:" + http + ";")
                .replace("listen 1935;", "listen 127.0.0.1:" + rtmp + ";")
                .replaceAll("(?m)^\\s*server 10\\.0\\.0\\.13:.*$", "")
                .replaceAll("10\\.0\\.0\\.11:8080", "127.0.0.1:" + b.httpPort())
                .replaceAll("10\\.0\\.0\\.12:8080", "127.0.0.1:" + c.httpPort())
                .replaceAll("10\\.0\\.0\\.11:1935", "127.0.0.1:" + b.rtmpPort())
                .replaceAll("10\\.0\\.0\\.12:1935", "127.0.0.1:" + c.rtmpPort())
                .replace("worker_processes auto;", "worker_processes 1;\npid " + dir.resolve("nginx.pid")
                        + ";\nerror_log " + dir.resolve("error.log") + ";")
                .replace("http {", "http {\n    access_log off;\n    client_body_temp_path " + dir.resolve("body")
                        + ";\n    proxy_temp_path " + dir.resolve("proxy") + ";");
        Path file = dir.resolve("nginx.conf");
        Files.writeString(file, conf);
        Process p = new ProcessBuilder(nginx.toString(), "-p", dir.toString(), "-c", file.toString(),
                "-g", "daemon off;").redirectErrorStream(true).redirectOutput(dir.resolve("out.log").toFile()).start();
        try {
            Await.until("nginx to listen", Duration.ofSeconds(10), () -> {
                try (java.net.Socket s = new java.net.Socket("127.0.0.1", http)) {
                    return true;
                } catch (java.io.IOException e) {
                    return !p.isAlive();
                }
            });
            assertTrue(p.isAlive(), "nginx exited: " + Files.readString(dir.resolve("out.log")));
            String base = "http://127.0.0.1:" + http;
            List<CompletableFuture<String>> probes = List.of(probe(base + "/" + STREAM + ".flv"),
                    probe(base + "/hls/" + STREAM + "/index.m3u8"), probe("rtmp://127.0.0.1:" + rtmp + "/" + STREAM));
            for (CompletableFuture<String> f : probes) {
                assertEquals("h264", f.get(60, TimeUnit.SECONDS));
            }
        } finally {
            p.destroy();
            p.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static void phase(long t0, String what) {
        System.out.printf("ClusterIT %6d ms: %s%n", (System.nanoTime() - t0) / 1_000_000, what);
    }

    private static Process publish(DistributionProcess n, Path clip) throws Exception {
        return Ffmpeg.start(Files.createTempFile("cluster-pub", ".log"), "-re", "-stream_loop", "-1", "-i",
                clip.toString(), "-c", "copy", "-f", "flv", n.rtmp("/" + STREAM));
    }

    private static CompletableFuture<String> probe(String url) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return Probe.probe(url).video().codec();
            } catch (Exception e) {
                throw new IllegalStateException(url + ": " + e.getMessage(), e);
            }
        });
    }

    private static String node(DistributionProcess n) {
        return "node-" + n.httpPort();
    }

    private static JsonNode cluster(DistributionProcess n) {
        try {
            return JSON.readTree(n.get("/api/cluster").body());
        } catch (Exception e) {
            return JSON.createObjectNode();
        }
    }

    /** The stream's entry in {@code /api/cluster}, or null. */
    private static JsonNode stream(DistributionProcess n) {
        for (JsonNode s : cluster(n).path("streams")) {
            if (s.path("stream").asText().equals(STREAM)) {
                return s;
            }
        }
        return null;
    }

    /** The claim in the registry, as {@code ?stream=} answers it (a JSON null: unowned); null if unavailable. */
    private static JsonNode owner(DistributionProcess n) {
        try {
            var r = n.get("/api/cluster?stream=" + STREAM);
            return r.statusCode() == 200 ? JSON.readTree(r.body()).path("owner") : null;
        } catch (Exception e) {
            return null;
        }
    }

    private static String ownerNode(DistributionProcess n) {
        JsonNode o = owner(n);
        return o == null ? "" : o.path("node").asText();
    }

    private static int status(DistributionProcess n, String path) {
        try {
            return n.get(path).statusCode();
        } catch (Exception e) {
            return -1;
        }
    }
}
