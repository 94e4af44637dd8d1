package io.osprey.kernel.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.osprey.kernel.bus.Bus;
import io.osprey.kernel.bus.BusSettings;
import io.osprey.kernel.config.ClusterConfig;
import io.osprey.spi.bus.PublishRequest;
import io.osprey.spi.bus.Publisher;
import io.osprey.spi.bus.StreamBusyException;
import io.osprey.spi.bus.StreamKey;
import io.osprey.spi.cluster.StreamOwner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Cluster-wide publish ownership: two nodes (two buses, two clients) on a real redis-server, and one node alone. */
class StreamClaimsTest {

    private static final StreamKey KEY = new StreamKey("live", "cam");
    private final ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2);
    private Process redis;

    @AfterEach
    void stop() throws Exception {
        scheduler.shutdownNow();
        if (redis != null) {
            redis.destroyForcibly().waitFor();
        }
    }

    private record Node(ClusterRedis redis, Bus bus, KernelCluster cluster) implements AutoCloseable {
        @Override
        public void close() {
            cluster.close();
            redis.close();
        }
    }

    private Node node(int port, String id) {
        ClusterConfig cfg = new ClusterConfig();
        cfg.redisUrl = "redis://127.0.0.1:" + port;
        cfg.ttlMs = 3_000; // heartbeats every second: a loaded machine may delay one
        ClusterRedis r = new ClusterRedis(cfg, id, scheduler);
        Bus bus = new Bus(BusSettings.DEFAULT, Runnable::run, scheduler);
        StreamClaims claims = new StreamClaims(r, id, "http://" + id + ":8080");
        bus.claims(claims);
        return new Node(r, bus, new KernelCluster(r, claims, bus, id, "http://" + id + ":8080", Runnable::run));
    }

    private static PublishRequest req(String protocol, boolean takeover) {
        return new PublishRequest(protocol, null, takeover, null);
    }

    private static Optional<StreamOwner> owner(Node n) throws Exception {
        return n.cluster().owner(KEY).toCompletableFuture().get(5, TimeUnit.SECONDS);
    }

    @Test
    void firstNodeWinsRelaysNeverClaimTakeoverEndsTheOldAndDeadClaimsExpire() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/redis-server")), "redis-server not installed (.ci/deps)");
        int port = LocalRedis.freePort();
        redis = LocalRedis.start(port);
        try (Node a = node(port, "a"); Node b = node(port, "b")) {
            List<String> events = new CopyOnWriteArrayList<>();
            b.cluster().listen((k, o) -> events.add(k + " " + o.map(StreamOwner::nodeId).orElse("-")));
            Thread.sleep(200); // the subscription of B's event thread; the assertion below polls anyway
            Publisher pa = a.bus().publish(KEY, req("rtmp", false));
            assertEquals("a", owner(b).orElseThrow().nodeId());
            assertEquals("http://a:8080", owner(b).orElseThrow().advertiseUrl());
            StreamBusyException busy = assertThrows(StreamBusyException.class,
                    () -> b.bus().publish(KEY, req("rtmp", false)));
            assertTrue(busy.getMessage().contains("node a"), busy.getMessage());
            Publisher relay = b.bus().publish(KEY, req("relay", false)); // an edge pull never claims
            relay.close();
            LocalRedis.await(() -> events.contains("live/cam a"), "B told of A's claim");

            // B takes the key over: A's next heartbeat finds the claim gone and ends its stream
            long tokenA = owner(b).orElseThrow().token();
            Publisher pb = b.bus().publish(KEY, req("rtmp", true));
            assertTrue(owner(b).orElseThrow().token() > tokenA, "the fencing token grows");
            LocalRedis.await(() -> a.bus().stream(KEY).isEmpty(), "A's stream to end after the takeover");
            assertEquals(1, a.cluster().claims().lost());
            pb.close();
            LocalRedis.await(() -> events.contains("live/cam -"), "B's release announced");
            assertTrue(owner(a).isEmpty());

            // a node that dies (no release, no heartbeat) loses its claim after the TTL
            a.bus().publish(KEY, req("rtmp", false));
            a.redis().close();
            assertThrows(StreamBusyException.class, () -> b.bus().publish(KEY, req("rtmp", false)));
            LocalRedis.await(() -> {
                try {
                    b.bus().publish(KEY, req("rtmp", false));
                    return true;
                } catch (StreamBusyException e) {
                    return false;
                }
            }, "A's claim to expire");
            assertEquals("b", owner(b).orElseThrow().nodeId());
        }
    }

    @Test
    void redisDownAllowsLocalPublishAndClaimsWhenItReturns() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/redis-server")), "redis-server not installed (.ci/deps)");
        int port = LocalRedis.freePort();
        redis = LocalRedis.start(port);
        try (Node a = node(port, "a"); Node b = node(port, "b")) {
            redis.destroyForcibly().waitFor();
            LocalRedis.await(() -> !a.redis().up() || tryFail(a), "A to notice Redis is gone");
            a.bus().publish(KEY, req("rtmp", false)); // local publish keeps working
            Throwable t = assertThrows(Exception.class, () -> owner(b));
            assertTrue(t.toString().contains("unavailable"), t.toString());
            redis = LocalRedis.start(port);
            LocalRedis.await(() -> a.redis().up() && b.redis().up(), "both nodes to reconnect");
            LocalRedis.await(() -> {
                try {
                    return owner(b).map(o -> o.nodeId().equals("a")).orElse(false);
                } catch (Exception e) {
                    return false;
                }
            }, "A's claim re-established");
            assertThrows(StreamBusyException.class, () -> b.bus().publish(KEY, req("rtmp", false)));
        }
    }

    @Test
    void aHungRedisHoldsThePublishersThreadForAtMostTheTimeout() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/redis-server")), "redis-server not installed (.ci/deps)");
        int port = LocalRedis.freePort();
        redis = LocalRedis.start(port);
        try (Node a = node(port, "a")) {
            a.bus().publish(KEY, req("rtmp", false));
            StreamClaims claims = a.cluster().claims();
            assertEquals(1, claims.claimWaits());
            assertTrue(claims.claimWaitMaxNanos() < 250_000_000L, "one round trip: " + claims.claimWaitMaxNanos());
            signal("STOP", redis.pid()); // accepts nothing, answers nothing: a hung or partitioned Redis
            try {
                long t0 = System.nanoTime();
                a.bus().publish(new StreamKey("live", "hung"), req("rtmp", false)); // allowed, claimed later
                long ms = (System.nanoTime() - t0) / 1_000_000;
                assertTrue(ms < 250 + 500, "the publish waited " + ms + " ms; cluster.timeoutMs is 250");
                LocalRedis.await(() -> !a.redis().up(), "A to mark Redis down");
                t0 = System.nanoTime();
                a.bus().publish(new StreamKey("live", "down"), req("rtmp", false));
                ms = (System.nanoTime() - t0) / 1_000_000;
                assertTrue(ms < 100, "with Redis known down a publish waits for nothing, waited " + ms + " ms");
            } finally {
                signal("CONT", redis.pid());
            }
            LocalRedis.await(() -> a.redis().up(), "A to find Redis again");
        }
    }

    private static void signal(String sig, long pid) throws Exception {
        assertEquals(0, new ProcessBuilder("kill", "-" + sig, Long.toString(pid)).start().waitFor());
    }

    @Test
    void oneNodeInMemoryNamesItselfAsOwner() throws Exception {
        Bus bus = new Bus(BusSettings.DEFAULT, Runnable::run, scheduler);
        StreamClaims claims = new StreamClaims(null, "solo", "http://solo:8080");
        bus.claims(claims);
        KernelCluster cluster = new KernelCluster(null, claims, bus, "solo", "http://solo:8080", Runnable::run);
        List<String> events = new CopyOnWriteArrayList<>();
        cluster.listen((k, o) -> events.add(o.map(StreamOwner::nodeId).orElse("-")));
        Publisher p = bus.publish(KEY, req("rtmp", false));
        StreamOwner o = cluster.owner(KEY).toCompletableFuture().get().orElseThrow();
        assertTrue(o.self());
        assertEquals(List.of("live/cam"), cluster.self().owned());
        assertFalse(cluster.clustered());
        p.close();
        assertTrue(cluster.owner(KEY).toCompletableFuture().get().isEmpty());
        assertEquals(List.of("solo", "-"), events);
    }

    private static boolean tryFail(Node n) {
        try {
            n.redis().call(j -> j.ping());
            return false;
        } catch (ClusterRedis.Unavailable e) {
            return true;
        }
    }
}
