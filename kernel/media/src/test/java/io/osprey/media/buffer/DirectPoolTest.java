package io.osprey.media.buffer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

class DirectPoolTest {

    @Test
    void capacitiesAreRoundedUpToTheGrain() {
        assertEquals(DirectPool.GRAIN, DirectPool.capacityFor(0));
        assertEquals(DirectPool.GRAIN, DirectPool.capacityFor(1));
        assertEquals(DirectPool.GRAIN, DirectPool.capacityFor(DirectPool.GRAIN));
        assertEquals(2 * DirectPool.GRAIN, DirectPool.capacityFor(DirectPool.GRAIN + 1));
        assertEquals(DirectPool.MAX_POOLED + 1, DirectPool.capacityFor(DirectPool.MAX_POOLED + 1));
        assertThrows(IllegalArgumentException.class, () -> DirectPool.capacityFor(-1));
    }

    @Test
    void aReleasedBufferIsTheNextAcquisitionOfItsClass() {
        int g = DirectPool.GRAIN;
        DirectPool pool = new DirectPool(1 << 30);
        ByteBuffer a = pool.acquire(8 * g - 100);
        assertTrue(a.isDirect());
        assertEquals(8 * g, a.capacity());
        a.put(new byte[10]);
        pool.release(a);
        assertEquals(a.capacity(), pool.idleBytes());
        ByteBuffer small = pool.acquire(10);
        assertNotSame(a, small, "another class allocates");
        ByteBuffer again = pool.acquire(7 * g + 1);
        assertSame(a, again, "the same class");
        assertEquals(0, again.position(), "cleared");
        assertEquals(again.capacity(), again.limit());
        assertEquals(0, pool.idleBytes());
        assertEquals(1, pool.reused());
        assertEquals(2, pool.allocated());
        assertEquals(9L * g, pool.allocatedBytes());
    }

    @Test
    void anEmptyClassTakesAnIdleBufferUpToAQuarterLarger() {
        int g = DirectPool.GRAIN;
        DirectPool pool = new DirectPool(1 << 30);
        ByteBuffer ten = pool.acquire(10 * g);
        ByteBuffer thirteen = pool.acquire(13 * g);
        pool.release(ten);
        pool.release(thirteen);
        assertSame(ten, pool.acquire(8 * g), "10 is within a quarter of 8");
        assertNotSame(thirteen, pool.acquire(8 * g), "13 is not");
        assertSame(thirteen, pool.acquire(11 * g));
        assertEquals(0, pool.idleBytes());
    }

    @Test
    void theIdleLimitAndForeignBuffersAreLeftToTheCollector() {
        DirectPool pool = new DirectPool(DirectPool.GRAIN);
        ByteBuffer a = pool.acquire(1);
        ByteBuffer b = pool.acquire(1);
        pool.release(a);
        pool.release(b); // over the limit
        assertEquals(DirectPool.GRAIN, pool.idleBytes());
        pool.release(ByteBuffer.allocate(DirectPool.GRAIN));                     // heap
        pool.release(ByteBuffer.allocateDirect(1000));                           // not a size class
        pool.release(ByteBuffer.allocateDirect(DirectPool.GRAIN).asReadOnlyBuffer()); // read-only view
        assertEquals(DirectPool.GRAIN, pool.idleBytes());
        assertSame(a, pool.acquire(5));
        assertNotSame(b, pool.acquire(5));
    }

    @Test
    void oversizedBuffersAreNeverKept() {
        DirectPool pool = new DirectPool(Long.MAX_VALUE);
        ByteBuffer big = pool.acquire(DirectPool.MAX_POOLED + 1);
        assertEquals(DirectPool.MAX_POOLED + 1, big.capacity());
        pool.release(big);
        assertEquals(0, pool.idleBytes());
    }

    @Test
    void trimFreesWhatStayedIdleThroughAPeriodDownToTheLowWatermark() {
        int g = DirectPool.GRAIN;
        DirectPool pool = new DirectPool(1 << 30);
        java.util.List<ByteBuffer> load = new java.util.ArrayList<>();
        for (int i = 0; i < 100; i++) {
            load.add(pool.acquire(4 * g));
        }
        assertEquals(0, pool.trim(0), "nothing idle yet");
        load.forEach(pool::release); // the burst ends: 100 buffers wait in the pool
        assertEquals(100 * 4L * g, pool.idleBytes());
        assertEquals(0, pool.trim(0), "they were in use during the period that ends now");

        // next period: the load comes back for 30 of them, then lets them go again
        for (int i = 0; i < 30; i++) {
            load.set(i, pool.acquire(4 * g));
        }
        for (int i = 0; i < 30; i++) {
            pool.release(load.get(i));
        }
        // lowest idle level in the period: 70 buffers; keep 10 as the low watermark
        long freed = pool.trim(10 * 4L * g);
        assertEquals(60 * 4L * g, freed, "the 60 never needed above the watermark");
        assertEquals(40 * 4L * g, pool.idleBytes());
        assertEquals(60, pool.freed());

        // a quiet period: everything above the watermark goes
        assertEquals(30 * 4L * g, pool.trim(10 * 4L * g));
        assertEquals(10 * 4L * g, pool.idleBytes());
        assertEquals(0, pool.trim(10 * 4L * g), "never below the watermark");

        // the pool still works after trimming
        ByteBuffer b = pool.acquire(4 * g);
        assertEquals(4 * g, b.capacity());
        b.putLong(0, 42);
        assertEquals(42, b.getLong(0));
    }

    @Test
    void trimmedBuffersAreFreedExplicitlyOnThisJdk() {
        assertTrue(DirectPool.freesExplicitly(), "sun.misc.Unsafe.invokeCleaner is available on 17");
        java.lang.management.BufferPoolMXBean direct = java.lang.management.ManagementFactory
                .getPlatformMXBeans(java.lang.management.BufferPoolMXBean.class).stream()
                .filter(p -> p.getName().equals("direct")).findFirst().orElseThrow();
        DirectPool pool = new DirectPool(1 << 30);
        java.util.List<ByteBuffer> bufs = new java.util.ArrayList<>();
        for (int i = 0; i < 64; i++) {
            bufs.add(pool.acquire(DirectPool.GRAIN * 16)); // 64 x 256 KiB = 16 MiB
        }
        bufs.forEach(pool::release);
        bufs.clear();
        long before = direct.getMemoryUsed();
        pool.trim(0);
        pool.trim(0);
        long after = direct.getMemoryUsed();
        assertTrue(before - after >= 16L << 20, "16 MiB returned without a GC: " + before + " -> " + after);
    }
}
