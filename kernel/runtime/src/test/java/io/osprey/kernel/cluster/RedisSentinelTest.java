package io.osprey.kernel.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.osprey.kernel.bus.Bus;
import io.osprey.kernel.bus.BusSettings;
import io.osprey.kernel.config.ClusterConfig;
import io.osprey.spi.bus.PublishRequest;
import io.osprey.spi.bus.StreamBusyException;
import io.osprey.spi.bus.StreamKey;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;

/**
 * Sentinel ({@code cluster.sentinelMaster} + {@code cluster.sentinels}): a real master, a replica and
 * {@code redis-server --sentinel}, all on free loopback ports. Two nodes find the master through the sentinel and
 * claim through it; the master is killed, the sentinel promotes the replica, and the nodes follow it with the
 * claim intact (first writer still wins) and keep claiming, with no restart.
 */
class RedisSentinelTest {

    private static final String MASTER = "osprey-test";
    private final ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2);
    private final List<Process> processes = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        scheduler.shutdownNow();
        for (Process p : processes) {
            p.destroyForcibly().waitFor();
        }
    }

    @Test
    void claimsSurviveAFailOver() throws Exception {
        assumeTrue(Files.isExecutable(LocalRedis.EXECUTABLE), "redis-server not installed (.ci/deps)");
        Path dir = Files.createTempDirectory("redis-sentinel");
        int master = LocalRedis.freePort();
        int replica = LocalRedis.freePort();
        int sentinel = LocalRedis.freePort();
        Process m = LocalRedis.start(master, Files.createDirectories(dir.resolve("m")), "--port",
                String.valueOf(master));
        processes.add(m);
        processes.add(LocalRedis.start(replica, Files.createDirectories(dir.resolve("r")), "--port",
                String.valueOf(replica), "--replicaof", "127.0.0.1", String.valueOf(master)));
        Path conf = dir.resolve("sentinel.conf"); // the sentinel rewrites its config: a file of its own
        Files.writeString(conf, "sentinel monitor " + MASTER + " 127.0.0.1 " + master + " 1\n"
                + "sentinel down-after-milliseconds " + MASTER + " 500\n"
                + "sentinel failover-timeout " + MASTER + " 5000\n");
        processes.add(LocalRedis.start(sentinel, dir, conf.toString(), "--sentinel", "--port",
                String.valueOf(sentinel)));
        await(() -> replicaKnown(sentinel), "the sentinel to see the replica");

        ClusterConfig cfg = new ClusterConfig();
        cfg.redisUrl = "redis://127.0.0.1"; // with Sentinel: only password, TLS and database count
        cfg.sentinelMaster = MASTER;
        cfg.sentinels = List.of("127.0.0.1:" + sentinel);
        cfg.ttlMs = 3_000;
        cfg.validate();
        StreamKey key = new StreamKey("live", "ha");
        try (ClusterRedis a = new ClusterRedis(cfg, "a", scheduler);
             ClusterRedis b = new ClusterRedis(cfg, "b", scheduler)) {
            Bus busA = bus(a, "a");
            Bus busB = bus(b, "b");
            busA.publish(key, req());
            assertThrows(StreamBusyException.class, () -> busB.publish(key, req()));

            m.destroyForcibly().waitFor(); // the master dies; the sentinel promotes the replica
            await(() -> masterPort(sentinel) == replica, "the sentinel to promote the replica");
            await(() -> {
                try {
                    String v = b.call(j -> j.get("osprey:stream:live/ha"));
                    return v != null && v.split(" ")[1].equals("a");
                } catch (ClusterRedis.Unavailable e) {
                    return false;
                }
            }, "B to read A's claim from the new master");
            assertThrows(StreamBusyException.class, () -> busB.publish(key, req()));
            busB.publish(new StreamKey("live", "after"), req()); // claims go on, on the new master
            try (Jedis j = new Jedis(new HostAndPort("127.0.0.1", replica))) {
                assertEquals("b", j.get("osprey:stream:live/after").split(" ")[1]);
            }
        }
    }

    private Bus bus(ClusterRedis r, String id) {
        Bus bus = new Bus(BusSettings.DEFAULT, Runnable::run, scheduler);
        bus.claims(new StreamClaims(r, id, "http://" + id + ":8080"));
        return bus;
    }

    private static PublishRequest req() {
        return new PublishRequest("rtmp", null, false, null);
    }

    private static boolean replicaKnown(int sentinel) {
        try (Jedis j = new Jedis(new HostAndPort("127.0.0.1", sentinel))) {
            return !j.sentinelReplicas(MASTER).isEmpty();
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static int masterPort(int sentinel) {
        try (Jedis j = new Jedis(new HostAndPort("127.0.0.1", sentinel))) {
            return Integer.parseInt(j.sentinelGetMasterAddrByName(MASTER).get(1));
        } catch (RuntimeException e) {
            return -1;
        }
    }

    /** Polls for up to 20 s: a fail-over takes the down-after time, an election and a promotion. */
    private static void await(BooleanSupplier c, String what) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!c.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(50);
        }
    }
}
