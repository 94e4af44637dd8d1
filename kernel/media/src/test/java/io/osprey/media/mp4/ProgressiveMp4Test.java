package io.osprey.media.mp4;

import static io.osprey.media.mp4.BoxGoldenTest.golden;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.osprey.media.codec.Hex;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The boxes a progressive MP4 writer (the recorder's merge) adds: golden bytes and write-then-read round trips. */
class ProgressiveMp4Test {

    @Test
    void rawBoxIsWrittenVerbatim() {
        ByteBuffer content = Hex.buf("00000000 00000001 0000000c 61626364 01020304");
        content.position(4); // only what remains is taken
        RawBox box = new RawBox("stsd", content);
        golden("""
                00000018 73747364   // size 24, 'stsd'
                00000001            // entry_count 1
                0000000c 61626364 01020304  // one 12-byte 'abcd' entry, verbatim
                """, box);
        assertEquals(4, content.position(), "the source is not consumed");
    }

    @Test
    void editListWithALeadingEmptyEdit() {
        golden("""
                00000028 656c7374 00000000 00000002  // 'elst', version 0, 2 entries
                000000c8 ffffffff 0001 0000  // segment_duration 200, media_time -1 (empty edit), rate 1.0
                00002710 00000bb8 0001 0000  // segment_duration 10000, media_time 3000, rate 1.0
                """, EditListBox.delayed(200, 10_000, 3000));
        golden("0000001c 656c7374 00000000 00000001 00002710 00000000 00010000 // no delay: one edit",
                EditListBox.delayed(0, 10_000, 0));
        golden("""
                00000024 656c7374 01000000 00000001  // version 1: the duration needs 64 bits
                0000000100000000 0000000000000000 0001 0000
                """, new EditListBox(1L << 32, 0));
        assertThrows(IllegalArgumentException.class, () -> new EditListBox(new long[] {1}, new long[] {-2}));
        assertThrows(IllegalArgumentException.class, () -> new EditListBox(new long[0], new long[0]));
    }

    @Test
    void sampleTableWithCompositionOffsetsAndSyncSamples() {
        SampleTableBuilder t = new SampleTableBuilder();
        t.addChunk(0, 2);
        t.addSample(3000, 100, true, 0);
        t.addSample(3000, 50, false, 6000);
        t.addChunk(150, 1);
        t.addSample(3000, 50, false, 0);
        t.setLastDuration(2000);
        assertEquals(8000, t.duration());
        golden("""
                000000d4 7374626c   // size 212, 'stbl'
                00000010 73747364 00000000 00000000  // stsd as given (no entries here)
                00000020 73747473 00000000 00000002  // stts, 2 runs
                00000002 00000bb8 00000001 000007d0  // 2 x 3000, 1 x 2000 (the corrected last duration)
                00000028 63747473 00000000 00000003  // ctts version 0, 3 runs
                00000001 00000000 00000001 00001770 00000001 00000000  // 0, 6000, 0
                00000014 73747373 00000000 00000001 00000001  // stss: sample 1 only
                00000028 73747363 00000000 00000002  // stsc, 2 runs
                00000001 00000002 00000001  // from chunk 1: 2 samples, description 1
                00000002 00000001 00000001  // from chunk 2: 1 sample
                00000020 7374737a 00000000 00000000 00000003 00000064 00000032 00000032  // stsz 100 50 50
                00000018 7374636f 00000000 00000002 000003e8 0000047e  // stco: 0 and 150 moved by base 1000
                """, t.build(new RawBox("stsd", Hex.buf("00000000 00000000")), 1000));
    }

    @Test
    void allSyncAndNoOffsetsLeaveOutStssAndCtts() throws IOException {
        SampleTableBuilder t = new SampleTableBuilder();
        for (int i = 0; i < 1000; i++) { // past the initial capacity: the arrays grow
            t.addSample(1024, 300 + i % 3, true, 0);
        }
        t.addChunk(0, 1000);
        assertEquals(List.of("stsd", "stts", "stsc", "stsz", "stco"),
                childTypes(t.build(new RawBox("stsd", ByteBuffer.allocate(8)), 0)));
    }

    @Test
    void offsetsPast4GiBSwitchToCo64() throws IOException {
        SampleTableBuilder t = new SampleTableBuilder();
        t.addSample(1, 1, true, 0);
        t.addChunk(0, 1);
        t.addSample(1, 1, true, 0);
        t.addChunk(0xFFFFFFFFL, 1);
        assertEquals(0xFFFFFFFFL, t.maxChunkOffset());
        SampleTableBox stbl = t.build(new RawBox("stsd", ByteBuffer.allocate(8)), 16);
        List<String> types = childTypes(stbl);
        assertEquals("co64", types.get(types.size() - 1));
        ByteBuffer b = stbl.toByteBuffer();
        Mp4BoxReader r = Mp4BoxReader.of(b);
        Mp4BoxReader children = r.children(r.next());
        Mp4BoxReader.Header h;
        ByteBuffer co64 = null;
        while ((h = children.next()) != null) {
            if (h.type().equals("co64")) {
                co64 = children.content(h, 64);
            }
        }
        assertEquals(2, co64.getInt(4));
        assertEquals(16, co64.getLong(8));
        assertEquals(0xFFFFFFFFL + 16, co64.getLong(16));
    }

    @Test
    void chunksMustHoldEverySample() {
        SampleTableBuilder t = new SampleTableBuilder();
        t.addSample(1, 1, true, 0);
        assertThrows(IllegalStateException.class, () -> t.build(new RawBox("stsd", ByteBuffer.allocate(8)), 0));
        assertThrows(IllegalArgumentException.class, () -> t.addSample(-1, 1, true, 0));
        assertThrows(IllegalArgumentException.class, () -> t.addChunk(-1, 1));
        assertThrows(IllegalStateException.class, () -> new SampleTableBuilder().setLastDuration(1));
    }

    @Test
    void trakRoundTrip() throws IOException {
        SampleTableBuilder t = new SampleTableBuilder();
        t.addSample(3000, 10, true, 0);
        t.addChunk(0, 1);
        TrackBox trak = ProgressiveMp4.trak(2, true, 90000, 640, 360, t.build(new RawBox("stsd",
                ByteBuffer.allocate(8)), 0), new EditBox(EditListBox.delayed(40, 33, 0)), 3000, 33);
        ByteBuffer b = trak.toByteBuffer();
        Mp4BoxReader r = Mp4BoxReader.of(b);
        Mp4BoxReader.Header top = r.next();
        assertEquals("trak", top.type());
        List<String> types = new ArrayList<>();
        Mp4BoxReader c = r.children(top);
        Mp4BoxReader.Header h;
        Mp4BoxReader.Header tkhd = null;
        while ((h = c.next()) != null) {
            types.add(h.type());
            if (h.type().equals("tkhd")) {
                tkhd = h;
            }
        }
        assertEquals(List.of("tkhd", "edts", "mdia"), types);
        ByteBuffer tk = c.content(tkhd, 128);
        assertEquals(2, tk.getInt(12), "track_ID");
        assertEquals(33, tk.getInt(20), "duration in the movie timescale");
        assertArrayEquals(new byte[] {0, 0, 0, 0}, new byte[] {tk.get(36), tk.get(37), tk.get(38), tk.get(39)},
                "layer and alternate group 0");
        assertEquals(List.of("ftyp"), List.of(ProgressiveMp4.fileType().type()));
    }

    private static List<String> childTypes(ContainerBox box) throws IOException {
        Mp4BoxReader r = Mp4BoxReader.of(box.toByteBuffer());
        Mp4BoxReader c = r.children(r.next());
        List<String> out = new ArrayList<>();
        Mp4BoxReader.Header h;
        while ((h = c.next()) != null) {
            out.add(h.type());
        }
        return out;
    }
}
