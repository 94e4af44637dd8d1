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
}
