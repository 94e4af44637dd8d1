package io.osprey.media.buffer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link SegmentMemory}: reference counting and hand-back to its pool. */
class SegmentMemoryTest {

    @Test
    void theLastReleaseHandsTheBufferBack() {
        DirectPool pool = new DirectPool(16 << 20);
        ByteBuffer b = pool.acquire(1000);
        SegmentMemory m = SegmentMemory.of(pool, b);
        assertEquals(1, m.refCount(), "the creator's reference");
        m.retain();
        assertTrue(m.tryRetain());
        assertEquals(3, m.refCount());
        m.release();
        m.release();
        assertEquals(0, pool.idleBytes(), "still referenced: not in the pool");
        m.release();
        assertEquals(0, m.refCount());
        assertEquals(b.capacity(), pool.idleBytes());
        assertSame(b, pool.acquire(1000), "recycled");
    }

    @Test
    void nothingResurrectsReleasedMemoryAndADoubleReleaseThrows() {
        DirectPool pool = new DirectPool(16 << 20);
        SegmentMemory m = SegmentMemory.of(pool, pool.acquire(1));
        m.release();
        assertFalse(m.tryRetain(), "a late reader cannot take a reference");
        assertEquals(0, m.refCount());
        assertThrows(IllegalStateException.class, m::retain);
        assertThrows(IllegalStateException.class, m::release, "released more often than retained");
        assertEquals(DirectPool.GRAIN, pool.idleBytes(), "handed back exactly once");
        assertThrows(IllegalStateException.class, () -> m.add(ByteBuffer.allocateDirect(DirectPool.GRAIN)));
    }

    @Test
    void concurrentRetainsAndReleasesHandBackExactlyOnce() throws Exception {
        DirectPool pool = new DirectPool(16 << 20);
        for (int round = 0; round < 50; round++) {
            SegmentMemory m = SegmentMemory.of(pool, pool.acquire(1));
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                threads.add(start(() -> {
                    for (int i = 0; i < 1000; i++) {
                        if (m.tryRetain()) {
                            m.release();
                        }
                    }
                }));
            }
            m.release(); // the creator lets go while the others come and go
            for (Thread t : threads) {
                t.join();
            }
            assertEquals(0, m.refCount());
            assertEquals(DirectPool.GRAIN, pool.idleBytes(), "one buffer back, once");
            pool.acquire(1);
        }
    }

    private static Thread start(Runnable r) {
        Thread t = new Thread(r);
        t.start();
        return t;
    }
}
