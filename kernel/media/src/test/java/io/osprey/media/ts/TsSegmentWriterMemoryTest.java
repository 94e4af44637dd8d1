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
    void aBufferOutgrownBeforeAnySliceGoesBackAtOnce() {
        DirectPool pool = new DirectPool(64 << 20);
        TsSegmentWriter w = new TsSegmentWriter(new TsMuxer(List.of(VIDEO)), pool);
        for (int i = 0; i < 80; i++) { // about 420 KB: outgrows the first buffer (288 KiB asked) once
            w.add(Frame.media(0, Codec.H264, i * 33L, 0, i == 0, avcc(nal(0x41, 5000, i))));
        }
        assertEquals(DirectPool.capacityFor(288 * 1024), pool.idleBytes(), "the first buffer, nobody saw it");
        SharedBytes segment = w.finish();
        assertEquals(1, segment.memory().refCount());
        segment.release();
        assertTrue(pool.idleBytes() > DirectPool.capacityFor(288 * 1024));
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
        assertEquals(0, pool.idleBytes());
        part.release();
        assertEquals(DirectPool.capacityFor(288 * 1024), pool.idleBytes());
        w.abandon(); // nothing in progress: nothing to do
        assertEquals(DirectPool.capacityFor(288 * 1024), pool.idleBytes());
    }

    static byte[] bytes(ByteBuffer b) {
        byte[] out = new byte[b.remaining()];
        b.duplicate().get(out);
        return out;
    }
}
