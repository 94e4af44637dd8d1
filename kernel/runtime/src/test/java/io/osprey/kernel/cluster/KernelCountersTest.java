package io.osprey.kernel.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.osprey.kernel.config.ClusterConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** SharedCounters in memory, and on a real redis-server shared by two nodes, through an outage. */
class KernelCountersTest {

    private final ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2);
    private Process redis;

    @AfterEach
    void stop() throws Exception {
        scheduler.shutdownNow();
        if (redis != null) {
            redis.destroyForcibly().waitFor();
        }
    }

    @Test
    void inMemorySlotsBucketsAndCounters() {
        KernelCounters c = new KernelCounters(null, scheduler);
        assertTrue(c.tryAcquire("v", 2));
        assertTrue(c.tryAcquire("v", 2));
        assertFalse(c.tryAcquire("v", 2));
        assertEquals(2, c.held("v"));
        c.release("v");
        assertTrue(c.tryAcquire("v", 2));
        assertEquals(0, c.take("b", 1, 2));
        assertEquals(0, c.take("b", 1, 2));
        long wait = c.take("b", 1, 2);
        assertTrue(wait > 0 && wait <= 1000, "ms until the next token: " + wait);
        assertEquals(5, c.incrementBy("n", 5, Duration.ofMinutes(1)));
        assertEquals(7, c.incrementBy("n", 2, Duration.ofMinutes(1)));
        assertFalse(c.shared());
    }

    @Test
    void twoNodesShareSlotsOnRedisFallBackWhileItIsDownAndHealWhenItReturns() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/redis-server")), "redis-server not installed (.ci/deps)");
        int port = LocalRedis.freePort();
        redis = LocalRedis.start(port);
        ClusterConfig cfg = new ClusterConfig();
        cfg.redisUrl = "redis://127.0.0.1:" + port;
        cfg.nodeId = "a";
        ClusterRedis ra = new ClusterRedis(cfg, scheduler);
        cfg.nodeId = "b";
        ClusterRedis rb = new ClusterRedis(cfg, scheduler);
        try {
            KernelCounters a = new KernelCounters(ra, scheduler);
            KernelCounters b = new KernelCounters(rb, scheduler);
            assertTrue(a.tryAcquire("s", 3));
            assertTrue(a.tryAcquire("s", 3));
            assertTrue(b.tryAcquire("s", 3));
            assertFalse(b.tryAcquire("s", 3), "3 over both nodes");
            assertFalse(a.tryAcquire("s", 3));
            assertEquals(3, a.held("s"));
            assertTrue(a.shared() && b.shared());
            // one bucket for both nodes
            assertEquals(0, a.take("bk", 0.5, 1));
            assertTrue(b.take("bk", 0.5, 1) > 0, "the other node took the only token");

            redis.destroyForcibly().waitFor();
            assertTrue(b.tryAcquire("s", 3), "Redis down: B holds 1 of its own 3");
            assertTrue(b.tryAcquire("s", 3));
            assertFalse(b.tryAcquire("s", 3));
            assertFalse(b.shared());
            assertTrue(rb.failures() >= 1);
            b.release("s"); // B: 2 while Redis is down

            redis = LocalRedis.start(port); // empty: every count was lost
            LocalRedis.await(() -> ra.up() && rb.up() && a.held("s") == 4, "both nodes to write back 2 + 2");
            assertFalse(a.tryAcquire("s", 3), "4 over the cluster");
            a.release("s");
            a.release("s");
            assertEquals(2, b.held("s"));
            assertTrue(a.tryAcquire("s", 3));
            rb.close(); // a node leaving: its slots stop counting
            assertEquals(1, a.held("s"));
        } finally {
            ra.close();
            rb.close();
        }
    }
}
