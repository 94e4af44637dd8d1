package io.osprey.kernel.bus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class DeliveryQueueTest {

    /**
     * A write merger's tick releases thousands of viewers at once: they must cost at most one executor task per
     * drainer, not one each (Jetty's pool starts a thread for every task that finds no idle one).
     */
    @Test
    void aBurstOfDeliveriesTakesAtMostOneTaskPerDrainer() {
        Queue<Runnable> tasks = new ArrayDeque<>();
        AtomicInteger delivered = new AtomicInteger();
        DeliveryQueue<Integer> q = new DeliveryQueue<>(tasks::add, 2, i -> delivered.incrementAndGet());
        for (int i = 0; i < 2000; i++) {
            q.add(i);
        }
        assertEquals(2, tasks.size(), "tasks submitted for 2,000 deliveries");
        tasks.poll().run();
        assertEquals(2000, delivered.get(), "one drain task delivers everything queued");
        assertEquals(1, q.drainers());
        tasks.poll().run(); // the second finds nothing left
        assertEquals(0, q.drainers());
        q.add(1);
        assertEquals(1, tasks.size(), "an idle queue starts a drainer again");
        tasks.poll().run();
        assertEquals(2001, delivered.get());
    }

    /** Producers racing the drainers' exit: every item is delivered exactly once. */
    @Test
    void nothingIsLostOrDeliveredTwiceUnderContention() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            int producers = 4;
            int each = 25_000;
            ConcurrentHashMap<Integer, Boolean> seen = new ConcurrentHashMap<>();
            AtomicInteger twice = new AtomicInteger();
            CountDownLatch done = new CountDownLatch(producers * each);
            DeliveryQueue<Integer> q = new DeliveryQueue<>(pool, 2, i -> {
                if (seen.put(i, Boolean.TRUE) != null) {
                    twice.incrementAndGet();
                }
                done.countDown();
            });
            Thread[] threads = new Thread[producers];
            for (int p = 0; p < producers; p++) {
                int base = p * each;
                threads[p] = new Thread(() -> {
                    for (int i = 0; i < each; i++) {
                        q.add(base + i);
                        if (i % 64 == 0) {
                            Thread.yield(); // let the drainers run dry and exit now and then
                        }
                    }
                });
                threads[p].start();
            }
            assertTrue(done.await(20, TimeUnit.SECONDS), "delivered " + seen.size() + " of " + producers * each);
            assertEquals(0, twice.get());
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (q.drainers() > 0 && System.nanoTime() < deadline) {
                Thread.sleep(1);
            }
            assertEquals(0, q.drainers(), "drainers exit once the queue is empty");
        } finally {
            pool.shutdownNow();
        }
    }
}
