package io.osprey.media.buffer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ReadOnlyBufferException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

class DirectLogTest {

    private static ByteBuffer bytes(int n, int seed) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (seed + i);
        }
        return ByteBuffer.wrap(b);
    }

    private static byte[] array(ByteBuffer b) {
        byte[] out = new byte[b.remaining()];
        b.duplicate().get(out);
        return out;
    }

    /** A second append of the same piece (Frame.memo's race) hands out the first slot and writes nothing. */
    @Test
    void appendOnceWritesAPieceOnce() {
        DirectLog log = new DirectLog(1024);
        Object a = new Object();
        Object b = new Object();
        DirectLog.Slot first = log.appendOnce(a, 3, into -> into.put(new byte[] {1, 2, 3}));
        DirectLog.Slot again = log.appendOnce(a, 3, into -> {
            throw new AssertionError("written twice");
        });
        assertSame(first, again);
        DirectLog.Slot next = log.appendOnce(b, 2, into -> into.put(new byte[] {4, 5}));
        assertTrue(next.follows(first), "the next piece follows at once: nothing was appended for the repeat");
        assertEquals(5, log.bytesAppended());
    }

    @Test
    void piecesAreLaidEndToEndAndSpanAsOneBuffer() {
        DirectLog log = new DirectLog(64);
        DirectLog.Slot a = log.append(bytes(5, 0));
        DirectLog.Slot b = log.append(bytes(7, 100));
        DirectLog.Slot c = log.append(bytes(3, 50));
        assertEquals(new DirectLog.Slot(a.segment(), 0, 5), a);
        assertEquals(5, b.offset());
        assertEquals(12, c.offset());
        assertTrue(b.follows(a));
        assertTrue(c.follows(b));
        assertFalse(c.follows(a));
        assertFalse(a.follows(c));
        ByteBuffer span = DirectLog.Slot.span(a, c);
        assertEquals(15, span.remaining());
        byte[] expected = new byte[15];
        bytes(5, 0).get(expected, 0, 5);
        bytes(7, 100).get(expected, 5, 7);
        bytes(3, 50).get(expected, 12, 3);
        assertArrayEquals(expected, array(span));
        assertArrayEquals(array(bytes(7, 100)), array(b.bytes()));
        assertEquals(15, log.bytesAppended());
        assertEquals(64, log.bytesAllocated());
    }

    @Test
    void theSourceIsNotConsumedAndLaterChangesToItAreNotSeen() {
        DirectLog log = new DirectLog(64);
        ByteBuffer src = bytes(8, 1);
        src.position(2);
        DirectLog.Slot s = log.append(src);
        assertEquals(2, src.position());
        src.put(3, (byte) 99);
        assertArrayEquals(new byte[] {3, 4, 5, 6, 7, 8}, array(s.bytes()));
    }

    @Test
    void aPieceThatDoesNotFitStartsANewSegment() {
        DirectLog log = new DirectLog(64);
        DirectLog.Slot a = log.append(bytes(16, 0));
        DirectLog.Slot b = log.append(bytes(16, 0));
        DirectLog.Slot c = log.append(bytes(16, 0));
        DirectLog.Slot d = log.append(bytes(16, 0)); // exactly fills the segment
        DirectLog.Slot e = log.append(bytes(1, 0));
        assertSame(a.segment(), d.segment());
        assertTrue(d.follows(c));
        assertNotSame(d.segment(), e.segment());
        assertFalse(e.follows(d));
        assertEquals(0, e.offset());
        assertEquals(128, log.bytesAllocated());
        assertThrows(IllegalArgumentException.class, () -> DirectLog.Slot.span(d, e));
        assertTrue(b.follows(a));
    }

    @Test
    void aPieceLargerThanAQuarterSegmentGetsItsOwnBufferAndTheSegmentStaysOpen() {
        DirectLog log = new DirectLog(64);
        DirectLog.Slot a = log.append(bytes(10, 0));
        DirectLog.Slot big = log.append(bytes(17, 7)); // > 64 / 4
        DirectLog.Slot b = log.append(bytes(10, 0));
        assertNotSame(a.segment(), big.segment());
        assertEquals(0, big.offset());
        assertEquals(17, big.segment().capacity());
        assertArrayEquals(array(bytes(17, 7)), array(big.bytes()));
        assertFalse(big.follows(a));
        assertFalse(b.follows(big));
        assertSame(a.segment(), b.segment());
        assertTrue(b.follows(a), "the segment is continued after the large piece");
        DirectLog.Slot quarter = log.append(bytes(16, 0)); // exactly a quarter: in the segment
        assertSame(a.segment(), quarter.segment());
        assertEquals(64 + 17, log.bytesAllocated());
        DirectLog.Slot huge = log.append(bytes(1000, 3));
        assertArrayEquals(array(bytes(1000, 3)), array(huge.bytes()));
    }

    @Test
    void everythingHandedOutIsReadOnlyAndDirect() {
        DirectLog log = new DirectLog(64);
        DirectLog.Slot a = log.append(bytes(4, 0));
        DirectLog.Slot big = log.append(bytes(40, 0));
        for (ByteBuffer b : List.of(a.segment(), a.bytes(), DirectLog.Slot.span(a, a), big.segment(), big.bytes())) {
            assertTrue(b.isReadOnly());
            assertTrue(b.isDirect());
            assertFalse(b.hasArray());
            assertThrows(ReadOnlyBufferException.class, () -> b.put(0, (byte) 1));
        }
    }

    @Test
    void aWriterWritesInPlaceUpToItsMaximum() {
        DirectLog log = new DirectLog(64);
        DirectLog.Slot a = log.append(bytes(4, 0));
        DirectLog.Slot w = log.append(10, into -> {
            assertEquals(4, into.position());
            assertEquals(14, into.limit());
            into.put(new byte[] {9, 8, 7});
        });
        assertEquals(new DirectLog.Slot(a.segment(), 4, 3), w);
        assertArrayEquals(new byte[] {9, 8, 7}, array(w.bytes()));
        DirectLog.Slot next = log.append(bytes(2, 0));
        assertTrue(next.follows(w), "only what was written is taken");

        assertThrows(java.nio.BufferOverflowException.class, () -> log.append(2, into -> into.put(new byte[3])));
        DirectLog.Slot after = log.append(bytes(1, 0));
        assertTrue(after.follows(next), "a failed writer appends nothing");

        DirectLog.Slot own = log.append(30, into -> into.put(new byte[] {1, 2}));
        assertEquals(2, own.length());
        assertArrayEquals(new byte[] {1, 2}, array(own.bytes()));
    }

    @Test
    void concurrentAppendsNeverOverlapAndKeepTheirBytes() throws Exception {
        DirectLog log = new DirectLog(1024);
        int threads = 4;
        int perThread = 5000;
        List<List<DirectLog.Slot>> slots = new ArrayList<>();
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> running = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            List<DirectLog.Slot> mine = new ArrayList<>();
            slots.add(mine);
            int seed = t;
            Thread th = new Thread(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = 0; i < perThread; i++) {
                    int n = 1 + (i * 7 + seed) % 300; // some above a quarter segment
                    mine.add(log.append(bytes(n, seed * 31 + i)));
                }
            });
            th.start();
            running.add(th);
        }
        start.countDown();
        for (Thread th : running) {
            th.join();
        }
        long total = 0;
        java.util.Map<ByteBuffer, java.util.BitSet> used = new java.util.IdentityHashMap<>();
        for (int t = 0; t < threads; t++) {
            for (int i = 0; i < perThread; i++) {
                DirectLog.Slot s = slots.get(t).get(i);
                int n = 1 + (i * 7 + t) % 300;
                assertArrayEquals(array(bytes(n, t * 31 + i)), array(s.bytes()));
                java.util.BitSet bits = used.computeIfAbsent(s.segment(), k -> new java.util.BitSet());
                assertTrue(bits.get(s.offset(), s.offset() + s.length()).isEmpty(), "overlap at " + s);
                bits.set(s.offset(), s.offset() + s.length());
                total += n;
            }
        }
        assertEquals(total, log.bytesAppended());
    }

    @Test
    void badArgumentsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new DirectLog(8));
        DirectLog log = new DirectLog(64);
        assertThrows(IllegalArgumentException.class, () -> log.append(-1, into -> { }));
        DirectLog.Slot a = log.append(bytes(4, 0));
        assertThrows(IndexOutOfBoundsException.class, () -> new DirectLog.Slot(a.segment(), 60, 5));
    }
    // ---- pooled logs ----

    private static final int SEGMENT = 64 * 1024;

    @Test
    void aPooledSegmentGoesBackOnlyWhenTheLogMovedOnAndEveryPieceIsReleased() {
        DirectPool pool = new DirectPool(1 << 20);
        DirectLog log = new DirectLog(SEGMENT, pool);
        List<DirectLog.Counted> first = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            first.add(log.appendCounted(bytes(16_000, i))); // 64,000 of 65,536 bytes
        }
        DirectLog.Counted next = log.appendCounted(bytes(16_000, 9)); // a second segment
        assertEquals(2, pool.allocated());
        for (int i = 0; i < 3; i++) {
            first.get(i).owner().release();
        }
        assertEquals(0, pool.idleBytes(), "one piece is still read");
        assertArrayEquals(array(bytes(16_000, 3)), array(first.get(3).bytes()));
        first.get(3).owner().release();
        assertEquals(SEGMENT, pool.idleBytes(), "the first segment is back");
        DirectLog.Counted third = null;
        for (int i = 0; i < 4; i++) {
            third = log.appendCounted(bytes(16_000, 20 + i)); // fills the second, opens a third: reused
        }
        assertEquals(2, pool.allocated(), "no fresh memory");
        assertEquals(1, pool.reused());
        assertArrayEquals(array(bytes(16_000, 9)), array(next.bytes()), "pieces of a live segment untouched");
        assertArrayEquals(array(bytes(16_000, 23)), array(third.bytes()));
    }

    @Test
    void theCurrentSegmentIsHeldByTheLogUntilClose() {
        DirectPool pool = new DirectPool(1 << 20);
        DirectLog log = new DirectLog(SEGMENT, pool);
        DirectLog.Counted a = log.appendCounted(bytes(100, 1));
        a.owner().release();
        assertEquals(0, pool.idleBytes(), "the log writes into it still");
        log.close();
        assertEquals(SEGMENT, pool.idleBytes());
        log.close(); // idempotent
        assertEquals(SEGMENT, pool.idleBytes());
        DirectLog.Counted late = log.appendCounted(bytes(100, 2));
        assertArrayEquals(array(bytes(100, 2)), array(late.bytes()), "after close: a buffer of its own");
        late.owner().release();
        assertEquals(SEGMENT + DirectPool.GRAIN, pool.idleBytes(), "its own small buffer, back too");
    }

    @Test
    void largePiecesGetPooledBuffersOfTheirOwn() {
        DirectPool pool = new DirectPool(1 << 20);
        DirectLog log = new DirectLog(SEGMENT, pool);
        DirectLog.Counted big = log.appendCounted(bytes(40_000, 5)); // over a quarter segment
        assertArrayEquals(array(bytes(40_000, 5)), array(big.bytes()));
        assertTrue(big.bytes().isReadOnly());
        big.owner().release();
        assertEquals(DirectPool.capacityFor(40_000), pool.idleBytes());
        assertThrows(IllegalStateException.class, () -> big.owner().release(), "released twice");
        assertEquals(DirectPool.capacityFor(40_000), pool.idleBytes(), "not handed back twice");
    }

    @Test
    void aPooledLogOnlyAppendsCounted() {
        DirectLog log = new DirectLog(SEGMENT, new DirectPool(0));
        assertThrows(IllegalStateException.class, () -> log.append(bytes(4, 0)));
        assertThrows(IllegalStateException.class, () -> log.append(4, b -> { }));
        assertThrows(IllegalStateException.class, () -> new DirectLog().appendCounted(bytes(4, 0)));
    }
}
