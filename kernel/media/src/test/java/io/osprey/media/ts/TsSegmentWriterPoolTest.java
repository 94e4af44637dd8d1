package io.osprey.media.ts;

import static io.osprey.media.ts.TsMuxerTest.AUDIO;
import static io.osprey.media.ts.TsMuxerTest.VIDEO;
import static io.osprey.media.ts.TsMuxerTest.avcc;
import static io.osprey.media.ts.TsMuxerTest.nal;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.osprey.media.buffer.DirectPool;
import io.osprey.media.buffer.SegmentMemory;
import io.osprey.spi.bus.Codec;
import io.osprey.spi.bus.Frame;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Segments written into recycled (dirty) pool memory are byte for byte those written into fresh memory. */
class TsSegmentWriterPoolTest {

    @Test
    void consecutiveSegmentsInReusedBuffersAreRight() throws Exception {
        DirectPool recycling = new DirectPool(256 << 20);
        DirectPool never = new DirectPool(0); // keeps nothing: every segment is fresh memory
        TsSegmentWriter reused = new TsSegmentWriter(new TsMuxer(List.of(VIDEO, AUDIO)), recycling);
        TsSegmentWriter fresh = new TsSegmentWriter(new TsMuxer(List.of(VIDEO, AUDIO)), never);
        SplittableRandom random = new SplittableRandom(7);
        List<SharedBytes> parts = new ArrayList<>();
        long dts = 0;
        for (int seg = 0; seg < 30; seg++) {
            // sizes swing between segments, so a reused buffer holds a longer segment's stale tail
            int frames = 5 + random.nextInt(120);
            int nalSize = seg % 3 == 0 ? 9000 : 700;
            boolean sliceParts = seg % 2 == 1;
            List<byte[]> partsReused = new ArrayList<>();
            int partStart = 0;
            for (int i = 0; i < frames; i++) {
                Frame v = Frame.media(0, Codec.H264, dts, 0, i == 0, avcc(nal(i == 0 ? 0x65 : 0x41,
                        nalSize + random.nextInt(500), seg * 1000 + i)));
                Frame a = Frame.media(0, Codec.AAC, dts, 0, true, ByteBuffer.wrap(new byte[200 + i]));
                assertEquals(reused.add(v), fresh.add(v));
                assertEquals(reused.add(a), fresh.add(a));
                dts += 33;
                if (sliceParts && i % 10 == 9) {
                    SharedBytes p = reused.slice(partStart, reused.size());
                    partStart = reused.size();
                    partsReused.add(TsSegmentWriterMemoryTest.bytes(p.bytes()));
                    parts.add(p);
                }
            }
            SharedBytes a = reused.finish();
            SharedBytes b = fresh.finish();
            byte[] expected = TsSegmentWriterMemoryTest.bytes(b.bytes());
            assertArrayEquals(expected, TsSegmentWriterMemoryTest.bytes(a.bytes()), "segment " + seg);
            assertEquals(frames * 2, TsReader.read(a.bytes()).pes().size());
            int at = 0;
            for (byte[] p : partsReused) {
                assertArrayEquals(Arrays.copyOfRange(expected, at, at + p.length), p, "part of " + seg);
                at += p.length;
            }
            a.release(); // the next segment may take this memory, dirty
            b.release();
            if (parts.size() > 6) { // parts outlive their segment a little, as in LL-HLS
                for (SharedBytes p : parts) {
                    p.release();
                }
                parts.clear();
            }
        }
        assertTrue(recycling.reused() > 20, "segments were written into recycled memory: " + recycling.reused());
        assertEquals(0, never.reused());
    }

    @Test
    void writersSharingOneScratchWriteWhatWritersWithTheirOwnWrite() throws Exception {
        DirectPool pool = new DirectPool(64 << 20);
        TsScratch shared = new TsScratch();
        TsSegmentWriter[] sharing = new TsSegmentWriter[2];
        TsSegmentWriter[] own = new TsSegmentWriter[2];
        for (int s = 0; s < 2; s++) {
            sharing[s] = new TsSegmentWriter(new TsMuxer(List.of(VIDEO, AUDIO)), pool, () -> shared);
            own[s] = new TsSegmentWriter(new TsMuxer(List.of(VIDEO, AUDIO)), pool);
        }
        SplittableRandom random = new SplittableRandom(11);
        for (int i = 0; i < 60; i++) { // the two streams' frames interleaved, key frames larger than the scratch
            for (int s = 0; s < 2; s++) {
                int size = i % 20 == 0 ? 90_000 + s * 7_000 : 800 + random.nextInt(4000);
                Frame v = Frame.media(0, Codec.H264, i * 40L, 0, i % 20 == 0,
                        avcc(nal(i % 20 == 0 ? 0x65 : 0x41, size, s * 1000 + i)));
                Frame a = Frame.media(0, Codec.AAC, i * 40L, 0, true, ByteBuffer.wrap(new byte[100 + s + i]));
                assertEquals(own[s].add(v), sharing[s].add(v));
                assertEquals(own[s].add(a), sharing[s].add(a));
            }
        }
        for (int s = 0; s < 2; s++) {
            SharedBytes expected = own[s].finish();
            SharedBytes actual = sharing[s].finish();
            assertArrayEquals(TsSegmentWriterMemoryTest.bytes(expected.bytes()),
                    TsSegmentWriterMemoryTest.bytes(actual.bytes()), "stream " + s);
            assertEquals(120, TsReader.read(actual.bytes()).pes().size());
            expected.release();
            actual.release();
        }
    }

    @Test
    void aFinishedSegmentHoldsAboutItsSizeNotTheEstimate() throws Exception {
        DirectPool pool = new DirectPool(256 << 20);
        TsSegmentWriter w = new TsSegmentWriter(new TsMuxer(List.of(VIDEO, AUDIO)), pool);
        long dts = 0;
        for (int i = 0; i < 100; i++) { // about 1 MB: the next segment is sized for that
            w.add(Frame.media(0, Codec.H264, dts += 40, 0, i == 0, avcc(nal(i == 0 ? 0x65 : 0x41, 10_000, i))));
        }
        w.finish().release();
        for (int i = 0; i < 10; i++) { // about 100 KB
            w.add(Frame.media(0, Codec.H264, dts += 40, 0, i == 0, avcc(nal(i == 0 ? 0x65 : 0x41, 10_000, i))));
        }
        int size = w.size();
        SharedBytes small = w.finish();
        long held = pool.allocatedBytes() - pool.idleBytes();
        assertTrue(held <= DirectPool.capacityFor(size) * 5L / 4, "a " + size + " byte segment holds " + held);
        assertEquals(size, small.bytes().remaining());
        assertEquals(10, TsReader.read(small.bytes()).pes().size());
        small.release();
        assertEquals(pool.allocatedBytes(), pool.idleBytes(), "all of it back in the pool");
    }

    @Test
    void theDefaultPoolIsTheSharedOne() {
        TsSegmentWriter w = new TsSegmentWriter(new TsMuxer(List.of(VIDEO)));
        w.add(Frame.media(0, Codec.H264, 0, 0, true, avcc(nal(0x65, 10, 1))));
        SharedBytes s = w.finish();
        assertTrue(s.bytes().isDirect());
        long idle = DirectPool.shared().idleBytes();
        s.release();
        assertTrue(DirectPool.shared().idleBytes() >= idle, "handed to the shared pool");
    }
}
