package io.osprey.kernel.memory;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.osprey.media.buffer.DirectPool;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class MemoryTrimmerTest {

    private static final long MB = 1 << 20;

    private final AtomicLong used = new AtomicLong();
    private final AtomicLong now = new AtomicLong();
    private final AtomicLong collections = new AtomicLong();
    /** What a collection leaves in use: the live part. */
    private final AtomicLong live = new AtomicLong();

    private MemoryTrimmer trimmer(DirectPool pool) {
        return new MemoryTrimmer(pool, 0, 256 * MB, 60_000, used::get, () -> {
            collections.incrementAndGet();
            used.set(live.get());
        }, now::get);
    }

    private void advanceSeconds(long s) {
        now.addAndGet(s * 1_000_000_000L);
    }

    @Test
    void deadDirectMemoryIsCollectedOncePastTheThresholdAndAtMostOncePerInterval() {
        MemoryTrimmer t = trimmer(new DirectPool(0));
        used.set(200 * MB);
        t.run();
        assertEquals(0, collections.get(), "below the threshold: the JVM's own limit will do");

        used.set(2_000 * MB);
        live.set(300 * MB);
        t.run();
        assertEquals(1, collections.get(), "2 GB in use after a burst: collect");
        assertEquals(300 * MB, used.get());

        used.set(2_000 * MB);
        advanceSeconds(30);
        t.run();
        assertEquals(1, collections.get(), "not twice within the interval");

        advanceSeconds(30);
        used.set(400 * MB);
        t.run();
        assertEquals(1, collections.get(), "grown by less than half since the last collection: live data, leave it");

        used.set(500 * MB);
        t.run();
        assertEquals(2, collections.get(), "grown by more than half: collect again");
    }

    @Test
    void whenTheLoadFallsDeadMemoryIsCollectedEvenIfItDidNotGrow() {
        DirectPool pool = new DirectPool(1 << 30);
        MemoryTrimmer t = trimmer(pool);
        used.set(2_000 * MB);
        live.set(1_500 * MB); // under load: most of it is live
        t.run();
        assertEquals(1, collections.get());
        // the load ends: buffers come back to the pool and nobody asks for them; the rest is dead, not grown
        List<ByteBuffer> held = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            held.add(pool.acquire(DirectPool.GRAIN));
        }
        held.forEach(pool::release);
        used.set(1_600 * MB);
        live.set(100 * MB);
        advanceSeconds(60);
        t.run(); // the buffers were in use during this period: no surplus yet
        assertEquals(1, collections.get(), "not grown by half, and no sign yet that the load fell");
        t.run(); // a quiet period: the pool gives back its surplus, so the load fell
        assertEquals(2, collections.get());
        assertEquals(100 * MB, used.get());
    }

    @Test
    void whenThePublishedMediaFallsDeadMemoryIsCollectedOnceTheIntervalAllows() {
        AtomicLong in = new AtomicLong();
        MemoryTrimmer t = new MemoryTrimmer(new DirectPool(0), 0, 256 * MB, 60_000, used::get, () -> {
            collections.incrementAndGet();
            used.set(live.get());
        }, now::get, in::get);
        used.set(1_000 * MB);
        live.set(900 * MB);
        in.addAndGet(500 * MB);
        t.run();
        assertEquals(1, collections.get(), "past the threshold, never collected: collect");
        for (int i = 0; i < 3; i++) { // steady load: 500 MB published per period, 1.2 GB in use, not grown by half
            advanceSeconds(20);
            in.addAndGet(500 * MB);
            used.set(1_200 * MB);
            t.run();
        }
        assertEquals(1, collections.get(), "steady load: no collection");
        advanceSeconds(20);
        in.addAndGet(100 * MB); // the streams end (the ended ones' last buffers are dropped, not pooled)
        used.set(1_300 * MB);
        live.set(800 * MB);
        t.run();
        assertEquals(2, collections.get(), "the load fell: collect");
        assertEquals(800 * MB, used.get(), "the last streams were still ending: their buffers were live");

        advanceSeconds(10); // the rest of the load ends within the interval of that collection
        in.addAndGet(50 * MB);
        used.set(1_000 * MB); // not grown by half
        live.set(300 * MB);
        t.run();
        assertEquals(2, collections.get(), "within the interval: wait");
        advanceSeconds(60); // nothing published: no new fall, but the load stayed down since the last one
        t.run();
        assertEquals(3, collections.get(), "one more collection an interval after the fall");
        assertEquals(300 * MB, used.get());
        used.set(400 * MB);
        advanceSeconds(60);
        t.run();
        assertEquals(3, collections.get(), "only one follow-up: 400 MB left now are not dead memory to chase");
    }

    @Test
    void afterALoadDeadMemoryJustBelowTheThresholdIsCollectedToo() {
        AtomicLong in = new AtomicLong();
        MemoryTrimmer t = new MemoryTrimmer(new DirectPool(0), 0, 256 * MB, 30_000, used::get, () -> {
            collections.incrementAndGet();
            used.set(live.get());
        }, now::get, in::get);
        used.set(200 * MB);
        in.addAndGet(500 * MB);
        t.run();
        advanceSeconds(10);
        in.addAndGet(500 * MB);
        t.run();
        assertEquals(0, collections.get(), "under load below the threshold: the JVM's own limit will do");
        advanceSeconds(10);
        used.set(255 * MB);
        live.set(20 * MB);
        t.run(); // nothing published this period: the load fell
        assertEquals(1, collections.get(), "255 MB left by a burst that ended: collect");
        assertEquals(20 * MB, used.get());
        advanceSeconds(60);
        used.set(30 * MB);
        t.run();
        assertEquals(1, collections.get(), "below an eighth of the threshold: nothing worth a collection");
    }

    @Test
    void theIdlePoolIsTrimmedEveryRun() {
        DirectPool pool = new DirectPool(1 << 30);
        List<ByteBuffer> held = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            held.add(pool.acquire(DirectPool.GRAIN));
        }
        held.forEach(pool::release);
        MemoryTrimmer t = trimmer(pool);
        t.run(); // the period in which they were in use ends
        t.run(); // a quiet period: all of it goes
        assertEquals(0, pool.idleBytes());
        assertEquals(10, pool.freed());
    }
}
