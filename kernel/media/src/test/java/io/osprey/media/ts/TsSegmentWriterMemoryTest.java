package io.osprey.media.ts;

import static io.osprey.media.ts.TsMuxerTest.AUDIO;
import static io.osprey.media.ts.TsMuxerTest.VIDEO;
import static io.osprey.media.ts.TsMuxerTest.avcc;
import static io.osprey.media.ts.TsMuxerTest.nal;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.osprey.media.buffer.DirectPool;
import io.osprey.media.buffer.SegmentMemory;
import io.osprey.spi.bus.Codec;
import io.osprey.spi.bus.Frame;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link TsSegmentWriter}'s segment memory: who keeps an outgrown buffer alive, and what abandoning releases. */
class TsSegmentWriterMemoryTest {

    @Test
    void partsKeepAnOutgrownBufferAlive() throws Exception {
        DirectPool pool = new DirectPool(64 << 20);
        TsSegmentWriter w = new TsSegmentWriter(new TsMuxer(List.of(VIDEO, AUDIO)), pool);
        w.add(Frame.media(0, Codec.H264, 0, 0, true, avcc(nal(0x65, 5000, 1))));
        SharedBytes part = w.slice(0, w.size());
        byte[] partCopy = bytes(part.bytes());
        ByteBuffer first = part.bytes();
        for (int i = 1; i < 200; i++) {
            w.add(Frame.media(0, Codec.H264, i * 33L, 0, false, avcc(nal(0x41, 5000, i))));
        }
        SharedBytes segment = w.finish();
        assertTrue(segment.bytes().remaining() > 288 * 1024, "outgrew the first buffer");
        assertSame(part.memory(), segment.memory(), "one memory for the segment and its parts");
        assertEquals(2, segment.memory().refCount(), "the part's and the segment's");
        long idle = pool.idleBytes(); // buffers outgrown after the slice went back at once; not the sliced one
        segment.release();
        assertEquals(idle, pool.idleBytes(), "the part still reads the first buffer");
        // whatever the pool hands out now, and whatever is written into it, the part's bytes stay
        int firstClass = DirectPool.capacityFor(288 * 1024);
        for (int i = 0; i < 8; i++) {
            ByteBuffer other = pool.acquire(firstClass);
            while (other.hasRemaining()) {
                other.put((byte) 0x55);
            }
        }
        assertEquals(ByteBuffer.wrap(partCopy), first);
        long idleBefore = pool.idleBytes();
        part.release();
        assertTrue(pool.idleBytes() - idleBefore >= firstClass + segment.bytes().remaining(),
                "the first and the last buffer back with the last reference: " + (pool.idleBytes() - idleBefore));
        assertThrows(IllegalStateException.class, part::release);
    }

    @Test
    void anUnslicedSegmentIsWrittenInChunksAndCopiedOnceIntoABufferOfItsSize() throws Exception {
        DirectPool pool = new DirectPool(64 << 20);
        TsSegmentWriter w = new TsSegmentWriter(new TsMuxer(List.of(VIDEO)), pool);
        for (int i = 0; i < 80; i++) { // about 420 KB
            w.add(Frame.media(0, Codec.H264, i * 33L, 0, i == 0, avcc(nal(0x41, 5000, i))));
            long held = pool.allocatedBytes() - pool.idleBytes();
            assertTrue(held <= w.size() + TsSegmentWriter.CHUNK, "in progress: " + held + " for " + w.size());
        }
        int size = w.size();
        SharedBytes segment = w.finish();
        assertEquals(1, segment.memory().refCount());
        assertEquals(size, segment.bytes().remaining());
        assertEquals(80, TsReader.read(segment.bytes()).pes().size());
        long held = pool.allocatedBytes() - pool.idleBytes();
        assertTrue(held <= DirectPool.capacityFor(size) * 5L / 4, "finished: " + held + " for " + size);
        segment.release();
        assertEquals(pool.allocatedBytes(), pool.idleBytes(), "all of it back in the pool");
    }

    @Test
    void segmentsStartContiguousWhileTheyAreSlicedAndInChunksAgainOnceNot() {
        DirectPool pool = new DirectPool(64 << 20);
        TsSegmentWriter w = new TsSegmentWriter(new TsMuxer(List.of(VIDEO)), pool);
        for (int i = 0; i < 60; i++) {
            w.add(Frame.media(0, Codec.H264, i * 33L, 0, i == 0, avcc(nal(0x41, 5000, i))));
        }
        SharedBytes part = w.slice(0, w.size());
        SharedBytes first = w.finish();
        int last = first.bytes().remaining();
        long before = pool.allocatedBytes() - pool.idleBytes();
        w.add(Frame.media(0, Codec.H264, 2000, 0, true, avcc(nal(0x65, 500, 1))));
        long inProgress = pool.allocatedBytes() - pool.idleBytes() - before;
        assertTrue(inProgress >= last + last / 8, "parts came: one buffer sized from the last segment, " + inProgress);
        w.finish().release();
        before = pool.allocatedBytes() - pool.idleBytes();
        w.add(Frame.media(0, Codec.H264, 4000, 0, true, avcc(nal(0x65, 500, 2))));
        assertEquals(TsSegmentWriter.CHUNK, pool.allocatedBytes() - pool.idleBytes() - before, "no parts: a chunk");
        w.abandon();
        part.release();
        first.release();
        assertEquals(pool.allocatedBytes(), pool.idleBytes());
    }

    @Test
    void abandoningASegmentReleasesOnlyTheWritersReference() {
        DirectPool pool = new DirectPool(64 << 20);
        TsSegmentWriter w = new TsSegmentWriter(new TsMuxer(List.of(VIDEO)), pool);
        w.add(Frame.media(0, Codec.H264, 0, 0, true, avcc(nal(0x65, 500, 1))));
        SharedBytes part = w.slice(0, w.size());
        w.abandon();
        assertFalse(w.inProgress());
        assertEquals(1, part.memory().refCount(), "the part's");
        // the first chunk went back when the slice moved the segment into one buffer; that buffer the part keeps
        assertEquals(TsSegmentWriter.CHUNK, pool.idleBytes());
        part.release();
        assertEquals(TsSegmentWriter.CHUNK + DirectPool.capacityFor(288 * 1024), pool.idleBytes());
        w.abandon(); // nothing in progress: nothing to do
        assertEquals(TsSegmentWriter.CHUNK + DirectPool.capacityFor(288 * 1024), pool.idleBytes());
    }

    static byte[] bytes(ByteBuffer b) {
        byte[] out = new byte[b.remaining()];
        b.duplicate().get(out);
        return out;
    }
}
