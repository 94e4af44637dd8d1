package io.osprey.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.osprey.testkit.Await;
import io.osprey.testkit.Ffmpeg;
import io.osprey.testkit.RedisServer;
import io.osprey.testkit.TestMedia;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Two Osprey nodes (two kernels in this JVM, ServiceLoader mode, free ports) sharing a real redis-server enforce one
 * cluster-wide {@code viewers.perStream} on a stream published on A and pulled by B (the edge's pull from
 * 127.0.0.1 is exempt, so only real viewers count); killing redis-server falls back to each node's own limit, and when it
 * returns the nodes write their holdings back and the cluster-wide cap holds again.
 */
class RateLimitClusterIT {

    private static final String STREAM = "/live/shared.flv";

    @Test
    void twoNodesShareOnePerStreamCapAndFallBackToLocalWhileRedisIsDown() throws Exception {
        assumeTrue(RedisServer.available(), "redis-server is not installed (.ci/deps installs it)");
        List<FlvViewerClient> viewers = new ArrayList<>();
        List<Process> publishers = new ArrayList<>();
        try (RedisServer redis = RedisServer.start();
             InProcessServer a = node(redis);
             InProcessServer b = node(redis)) {
            Path clip = TestMedia.h264Aac(10, 500);
            // published on A only: a second publisher of a live key on another node is refused (cluster ownership)
            publishers.add(Ffmpeg.start(Files.createTempFile("rl-cluster", ".log"), "-re", "-stream_loop", "-1",
                    "-i", clip.toString(), "-c", "copy", "-f", "flv", a.rtmp("/live/shared")));
            Await.until("the stream on A", Duration.ofSeconds(20),
                    () -> status(a, "/api/streams/live/shared") == 200);
            for (InProcessServer n : List.of(a, b)) {
                assertTrue(n.get("/metrics").body().contains("osprey_cluster_redis_up 1.0"));
            }
            // two viewers on A, one on B: the cluster's cap of 3 is reached, on either node
            viewers.add(view(a, "127.0.0.2"));
            viewers.add(view(a, "127.0.0.3"));
            viewers.add(view(b, "127.0.0.4"));
            assertEquals(429, refused(b, "127.0.0.5"), "B has one viewer but the stream has three over the cluster");
            assertEquals(429, refused(a, "127.0.0.5"));

            redis.kill();
            Await.until("B to notice Redis is gone", Duration.ofSeconds(10),
                    () -> metrics(b).contains("osprey_cluster_redis_up 0.0"));
            // each node alone: B holds one, so two more get in there, and the fourth on B is refused
            viewers.add(view(b, "127.0.0.5"));
            viewers.add(view(b, "127.0.0.6"));
            assertEquals(429, refused(b, "127.0.0.7"), "B enforces the cap alone while Redis is down");
            assertTrue(counter(b, "osprey_cluster_redis_failures_total") >= 1);

            redis.restart();
            Await.until("both nodes to reconnect", Duration.ofSeconds(10),
                    () -> metrics(a).contains("osprey_cluster_redis_up 1.0")
                            && metrics(b).contains("osprey_cluster_redis_up 1.0"));
            // the nodes wrote their holdings back: 2 on A + 3 on B = 5 over the cluster, so A refuses again
            Await.until("the cluster-wide cap to hold again", Duration.ofSeconds(10), () -> {
                FlvViewerClient v = tryView(a, "127.0.0.8");
                if (v == null) {
                    return true;
                }
                close(v); // admitted before the write-back reached Redis: give it back and ask again
                return false;
            });
            // three leave B: 2 + 0 = 2, room for one
            for (int i = 0; i < 3; i++) {
                close(viewers.remove(viewers.size() - 1));
            }
            Await.until("a slot to be free over the cluster", Duration.ofSeconds(10), () -> {
                FlvViewerClient v = tryView(a, "127.0.0.9");
                if (v != null) {
                    viewers.add(v);
                    return true;
                }
                return false;
            });
            assertEquals(429, refused(b, "127.0.0.10"), "3 again over the cluster");
            for (FlvViewerClient v : viewers) {
                assertTrue(v.alive(), "admitted viewers keep playing through the outage: " + v.error());
            }
        } finally {
            for (FlvViewerClient v : viewers) {
                close(v);
            }
            for (Process p : publishers) {
                Ffmpeg.stop(p);
            }
        }
    }

    private static InProcessServer node(RedisServer redis) throws Exception {
        return new InProcessServer("cluster:\n  redisUrl: " + redis.url() + "\nplugins:\n  ratelimit:\n"
                + "    viewers: { perStream: 3 }\n    exempt: [ \"127.0.0.1/32\" ]\n");
    }

    private static FlvViewerClient view(InProcessServer n, String from) throws Exception {
        int[] st = new int[1];
        FlvViewerClient v = FlvViewerClient.open(from, n.httpPort(), STREAM, st);
        assertNotNull(v, from + " was refused with " + st[0]);
        return v;
    }

    private static FlvViewerClient tryView(InProcessServer n, String from) {
        try {
            int[] st = new int[1];
            return FlvViewerClient.open(from, n.httpPort(), STREAM, st);
        } catch (Exception e) {
            return null;
        }
    }

    private static int refused(InProcessServer n, String from) throws Exception {
        int[] st = new int[1];
        FlvViewerClient v = FlvViewerClient.open(from, n.httpPort(), STREAM, st);
        if (v != null) {
            close(v);
        }
        assertNull(v, from + " should have been refused");
        return st[0];
    }

    private static void close(FlvViewerClient v) {
        try {
            v.close();
        } catch (Exception ignored) {
            // already closed
        }
    }

    private static int status(InProcessServer n, String path) {
        try {
            return n.get(path).statusCode();
        } catch (Exception e) {
            return -1;
        }
    }

    private static String metrics(InProcessServer n) {
        try {
            return n.get("/metrics").body();
        } catch (Exception e) {
            return "";
        }
    }

    private static double counter(InProcessServer n, String name) {
        for (String l : metrics(n).split("\n")) {
            if (l.startsWith(name + " ")) {
                return Double.parseDouble(l.substring(name.length() + 1).trim());
            }
        }
        return -1;
    }
}
