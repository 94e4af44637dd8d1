package io.osprey.kernel.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.osprey.kernel.config.ConfigError;
import io.osprey.kernel.config.ConfigLoader;
import io.osprey.kernel.config.ServerConfig;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.junit.jupiter.api.Test;

class ServerThreadsTest {

    private static ServerConfig.Threads threads(String... sets) throws Exception {
        return new ConfigLoader(null, List.of(sets), Map.of()).load().server().threads;
    }

    @Test
    void maximumIsDerivedFromTheCoresUnlessConfigured() throws Exception {
        ServerConfig.Threads t = threads();
        assertEquals(64, ServerThreads.max(t, 2), "at least 64");
        assertEquals(256, ServerThreads.max(t, 16), "16 per core");
        assertEquals(100, ServerThreads.max(threads("server.threads.max=100"), 16));
        ConfigError e = assertThrows(ConfigError.class, () -> threads("server.threads.max=4"));
        assertTrue(e.getMessage().contains("threads.max"), e.getMessage());
        e = assertThrows(ConfigError.class, () -> threads("server.threads.idleTimeoutMs=10"));
        assertTrue(e.getMessage().contains("threads.idleTimeoutMs"), e.getMessage());
    }

    /**
     * The pool after a burst: a steady trickle of short jobs keeps a thread or two busy, and the threads the burst
     * started leave within a few idle timeouts (with one eviction per timeout, Jetty's default, 52 surplus threads
     * would take 52 timeouts).
     */
    @Test
    void aTrickleOfJobsLetsTheBurstsThreadsGo() throws Exception {
        ServerConfig.Threads t = threads("server.threads.max=200", "server.threads.min=2",
                "server.threads.idleTimeoutMs=1000", "server.threads.reserved=0");
        QueuedThreadPool pool = ServerThreads.create(t);
        pool.start();
        try {
            CountDownLatch release = new CountDownLatch(1);
            for (int i = 0; i < 60; i++) { // a burst of jobs that wait: one thread each
                pool.execute(() -> {
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                });
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (pool.getThreads() < 60 && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertTrue(pool.getThreads() >= 60, "burst threads: " + pool.getThreads());
            release.countDown();
            // a job every 5 ms, each a few microseconds: 200 jobs a second, and 60 idle threads to wake
            deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(8);
            while (pool.getThreads() > 8 && System.nanoTime() < deadline) {
                pool.execute(() -> { });
                Thread.sleep(5);
            }
            assertTrue(pool.getThreads() <= 8, "threads left after the trickle: " + pool.getThreads());
        } finally {
            pool.stop();
        }
    }
}
