package io.osprey.plugin.recorder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.osprey.media.mp4.Fmp4FragmentWriter;
import io.osprey.media.mp4.Fmp4InitWriter;
import io.osprey.media.mp4.Mp4BoxReader;
import io.osprey.spi.bus.Frame;
import io.osprey.spi.bus.TrackInfo;
import io.osprey.testkit.TestMedia;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The segment reader the merge trusts nothing with: real fragments from the test clip, written by the shared
 * fMP4 writer, read back whole, cut at every kind of place, and completed by the session finisher.
 */
class FragmentScannerTest {

    @TempDir
    Path dir;

    /** The clip's tracks and its frames, in order. */
    record Clip(List<TrackInfo> tracks, List<Frame> frames) {
    }

    static Clip clip(int seconds) throws Exception {
        io.osprey.testkit.Clip c = io.osprey.testkit.Clip.read(TestMedia.h264Aac(seconds, 300));
        return new Clip(c.tracks(), c.frames());
    }

    /** Fragments of ~1 s of the clip; returns each fragment's bytes. */
    static List<ByteBuffer> fragments(Clip clip) {
        Fmp4FragmentWriter w = new Fmp4FragmentWriter(clip.tracks());
        List<ByteBuffer> out = new ArrayList<>();
        long start = 0;
        int seq = 0;
        for (Frame f : clip.frames()) {
            if (f.dts() - start >= 1000 && !w.isEmpty()) {
                out.add(w.fragment(++seq));
                start = f.dts();
            }
            w.add(f);
        }
        out.add(w.fragment(++seq));
        return out;
    }

    private static FragmentScanner.Scan scan(ByteBuffer bytes) throws Exception {
        return FragmentScanner.scan(Mp4BoxReader.of(bytes), Set.of(1, 2));
    }

    @Test
    void readsEveryFragmentWithRunsInsideTheirMdat() throws Exception {
        Clip clip = clip(4);
        List<ByteBuffer> frags = fragments(clip);
        ByteBuffer all = join(frags);
        FragmentScanner.Scan s = scan(all);
        assertNull(s.stopReason());
        assertEquals(frags.size(), s.fragments().size());
        assertEquals(all.remaining(), s.validEnd());
        int samples = 0;
        for (FragmentScanner.Fragment f : s.fragments()) {
            assertEquals(2, f.runs().size(), "a video and an audio run");
            for (FragmentScanner.Run r : f.runs()) {
                assertTrue(r.dataOffset() > f.offset() && r.dataOffset() + r.dataLength() <= f.end());
                samples += r.samples();
            }
            assertTrue(f.runs().get(0).sync()[0], "fragments of the clip start on a key frame here");
        }
        assertEquals(clip.frames().size(), samples);
    }

    @Test
    void aCutFileKeepsTheWholeFragmentsBeforeTheCut() throws Exception {
        List<ByteBuffer> frags = fragments(clip(3));
        ByteBuffer all = join(frags);
        long secondEnd = frags.get(0).remaining() + frags.get(1).remaining();
        for (long cut : new long[] {secondEnd + 3, secondEnd + 8, secondEnd + 100, secondEnd
                + frags.get(2).remaining() - 1}) {
            FragmentScanner.Scan s = scan(all.duplicate().limit((int) cut));
            assertEquals(2, s.fragments().size(), "cut at " + cut);
            assertEquals(secondEnd, s.validEnd());
            assertNotNull(s.stopReason());
        }
    }

    @Test
    void runsPointingOutsideTheirMdatAreRefused() throws Exception {
        List<ByteBuffer> frags = fragments(clip(2));
        ByteBuffer first = frags.get(0);
        ByteBuffer evil = ByteBuffer.allocate(first.remaining()).put(first.duplicate()).flip();
        // moof > mfhd (16 bytes) > traf > tfhd, tfdt, trun: bump the first trun's sample size past the mdat
        int trun = indexOf(evil, "trun");
        evil.putInt(trun + 4 + 12 + 4, Integer.MAX_VALUE); // flags, sample_count, data_offset, then duration, size
        FragmentScanner.Scan s = scan(evil);
        assertEquals(0, s.fragments().size());
        assertTrue(s.stopReason().contains("size above") || s.stopReason().contains("outside mdat"), s.stopReason());
        assertEquals(0, FragmentScanner.scan(Mp4BoxReader.of(first.duplicate()), Set.of(7)).fragments().size(),
                "unknown track");
    }

    @Test
    void theFinisherCutsAPartSegmentBackAndMergesIt() throws Exception {
        Clip clip = clip(4);
        List<ByteBuffer> frags = fragments(clip);
        Path session = dir.resolve("mp4/live/cut/20250101_000000");
        Path merged = session.resolve("output_merge");
        Files.createDirectories(merged);
        Files.write(merged.resolve("init.mp4"), bytes(Fmp4InitWriter.init(clip.tracks())));
        Files.write(merged.resolve("seg-00001.m4s"), bytes(join(frags.subList(0, 2))));
        ByteBuffer rest = join(frags.subList(2, frags.size()));
        long whole = frags.get(2).remaining();
        Files.write(merged.resolve("seg-00002.m4s.part"), bytes(rest.duplicate().limit((int) whole + 77)));
        SessionDir s = SessionDir.of(session);
        assertTrue(SessionFinisher.needsWork(s, true));
        RecorderConfig keep = new RecorderConfig();
        keep.keepSegments = true; // the cut segment is checked after the merge (by default only the MP4 stays)
        assertEquals(SessionFinisher.Outcome.MERGED, SessionFinisher.finish(s, null, keep));
        assertFalse(Files.exists(merged.resolve("seg-00002.m4s.part")));
        assertEquals(whole, Files.size(merged.resolve("seg-00002.m4s")), "cut back to the last whole fragment");
        assertFalse(SessionFinisher.needsWork(s, true));
        RecorderEndToEndTest.assertDecodesAtLeast(s.full(), 2.5);
        String playlist = Files.readString(merged.resolve("index.m3u8"));
        assertTrue(playlist.contains("seg-00002.m4s") && playlist.contains("#EXT-X-ENDLIST"), playlist);
    }

    static ByteBuffer join(List<ByteBuffer> parts) {
        int n = parts.stream().mapToInt(ByteBuffer::remaining).sum();
        ByteBuffer out = ByteBuffer.allocate(n);
        parts.forEach(p -> out.put(p.duplicate()));
        return out.flip();
    }

    static byte[] bytes(ByteBuffer b) {
        byte[] a = new byte[b.remaining()];
        b.duplicate().get(a);
        return a;
    }

    private static int indexOf(ByteBuffer b, String type) {
        byte[] t = type.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        for (int i = 0; i + 4 <= b.limit(); i++) {
            if (b.get(i) == t[0] && b.get(i + 1) == t[1] && b.get(i + 2) == t[2] && b.get(i + 3) == t[3]) {
                return i;
            }
        }
        throw new AssertionError("no " + type);
    }
}
