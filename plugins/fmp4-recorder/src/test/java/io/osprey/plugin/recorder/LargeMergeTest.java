package io.osprey.plugin.recorder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.osprey.media.mp4.Fmp4InitWriter;
import io.osprey.media.mp4.MediaDataBox;
import io.osprey.media.mp4.MovieFragmentBox;
import io.osprey.media.mp4.MovieFragmentHeaderBox;
import io.osprey.media.mp4.Mp4BoxReader;
import io.osprey.media.mp4.TrackFragmentBaseMediaDecodeTimeBox;
import io.osprey.media.mp4.TrackFragmentBox;
import io.osprey.media.mp4.TrackFragmentHeaderBox;
import io.osprey.media.mp4.TrackRunBox;
import io.osprey.spi.bus.TrackInfo;
import io.osprey.testkit.Clip;
import io.osprey.testkit.Probe;
import io.osprey.testkit.TestMedia;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A merge past 4 GiB: synthetic segments whose samples are 60 MB each (sparse files: only an 8-byte marker at
 * each sample's start is written), merged into a real 4.8 GB progressive file (the last chunks start past 4 GiB) (on tmpfs when it has 10 GB free,
 * else in the temp folder; skipped with a message when neither has). The output must use a 64-bit mdat
 * size and {@code co64}, every chunk offset must point at its sample's marker, and ffprobe must read it.
 */
class LargeMergeTest {

    static final int SAMPLE = 60_000_000;
    static final int SAMPLES_PER_FRAGMENT = 2;
    static final int FRAGMENTS = 4;
    static final int SEGMENTS = 10;

    @TempDir
    Path tmp;

    @Test
    void mergePast4GiBUsesCo64() throws Exception {
        // tmpfs when it has room (the merge's final fsync of 4.8 GB to a slow disk takes most of a minute)
        Path shm = Path.of("/dev/shm");
        Path home = Files.isDirectory(shm) && Files.getFileStore(shm).getUsableSpace() > 10L << 30
                ? Files.createTempDirectory(shm, "osprey-large-merge") : tmp;
        long free = Files.getFileStore(home).getUsableSpace();
        Assumptions.assumeTrue(free > 10L << 30, "needs 10 GB free for a 4.8 GB merge, " + (free >> 20) + " MB free");
        TrackInfo video = Clip.read(TestMedia.h264Aac(2, 500)).video();
        Path dir = home.resolve("mp4/big/synthetic/20250101_000000");
        Path out = dir.resolve("output_merge");
        Files.createDirectories(out);
        try {
            AtomicFiles.write(out.resolve("init.mp4"), Fmp4InitWriter.init(List.of(video)));
            long decode = 0;
            int sample = 0;
            for (int s = 1; s <= SEGMENTS; s++) {
                try (FileChannel ch = FileChannel.open(out.resolve(String.format("seg-%05d.m4s", s)),
                        StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                    long at = 0;
                    for (int f = 0; f < FRAGMENTS; f++) {
                        at = fragment(ch, at, s * FRAGMENTS + f, decode, sample);
                        decode += SAMPLES_PER_FRAGMENT * 3000L;
                        sample += SAMPLES_PER_FRAGMENT;
                    }
                }
            }
            long t0 = System.nanoTime();
            RecorderConfig config = new RecorderConfig();
            SessionFinisher.Outcome o = SessionFinisher.finish(SessionDir.of(dir), null, config);
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertEquals(SessionFinisher.Outcome.MERGED, o);
            Path full = dir.resolve("stream_full.mp4");
            long size = Files.size(full);
            System.out.println("merged " + size + " bytes in " + ms + " ms");
            assertTrue(size > 0x1_0000_0000L, "past 4 GiB: " + size);
            assertEquals(List.of("ftyp", "moov", "mdat"), RecorderEndToEndTest.topLevelBoxes(full));
            long[] offsets = co64(full);
            assertEquals(SEGMENTS * FRAGMENTS, offsets.length, "one chunk per trun");
            assertTrue(offsets[offsets.length - 1] > 0xFFFFFFFFL);
            try (FileChannel ch = FileChannel.open(full, StandardOpenOption.READ)) {
                for (int c = 0; c < offsets.length; c++) {
                    for (int i = 0; i < SAMPLES_PER_FRAGMENT; i++) {
                        ByteBuffer m = ByteBuffer.allocate(8);
                        ch.read(m, offsets[c] + (long) i * SAMPLE);
                        assertEquals(marker(c * SAMPLES_PER_FRAGMENT + i), m.getLong(0), "chunk " + c + " sample " + i);
                    }
                }
            }
            Probe.Result p = Probe.probe(full.toString());
            assertEquals("h264", p.video().codec(), p.raw());
            assertEquals(SEGMENTS * FRAGMENTS * SAMPLES_PER_FRAGMENT * 3000 / 90000.0, p.duration(), 0.05, p.raw());
        } finally {
            try (Stream<Path> s = Files.walk(home)) {
                for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    private static long marker(int sample) {
        return 0x4F53505245590000L | sample;
    }

    /** moof (one trun of 60 MB samples) + mdat whose payload is a hole except for each sample's marker. */
    private static long fragment(FileChannel ch, long at, int sequence, long decode, int firstSample)
            throws IOException {
        int[] durations = new int[SAMPLES_PER_FRAGMENT];
        int[] sizes = new int[SAMPLES_PER_FRAGMENT];
        int[] flags = new int[SAMPLES_PER_FRAGMENT];
        Arrays.fill(durations, 3000);
        Arrays.fill(sizes, SAMPLE);
        Arrays.fill(flags, TrackRunBox.NON_SYNC_SAMPLE);
        flags[0] = TrackRunBox.SYNC_SAMPLE;
        long payload = (long) SAMPLE * SAMPLES_PER_FRAGMENT;
        TrackRunBox run = new TrackRunBox(SAMPLES_PER_FRAGMENT, 0, durations, sizes, flags, null);
        MovieFragmentBox probe = moof(sequence, decode, run);
        int dataOffset = (int) (probe.size() + MediaDataBox.headerSize(payload));
        MovieFragmentBox moof = moof(sequence, decode, run.withDataOffset(dataOffset));
        ByteBuffer head = ByteBuffer.allocate(dataOffset);
        moof.write(head);
        MediaDataBox.writeHeader(head, payload);
        head.flip();
        ch.write(head, at);
        for (int i = 0; i < SAMPLES_PER_FRAGMENT; i++) {
            ByteBuffer m = ByteBuffer.allocate(8).putLong(0, marker(firstSample + i));
            ch.write(m, at + dataOffset + (long) i * SAMPLE);
        }
        long end = at + dataOffset + payload;
        ch.write(ByteBuffer.allocate(1), end - 1); // the file really ends where the mdat does
        return end;
    }

    private static MovieFragmentBox moof(int sequence, long decode, TrackRunBox run) {
        return new MovieFragmentBox(new MovieFragmentHeaderBox(sequence), new TrackFragmentBox(
                TrackFragmentHeaderBox.moofRelative(1, null), new TrackFragmentBaseMediaDecodeTimeBox(decode), run));
    }

    /** moov/trak/mdia/minf/stbl/co64 entries. */
    private static long[] co64(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            Mp4BoxReader r = Mp4BoxReader.of(ch);
            List<String> path = List.of("moov", "trak", "mdia", "minf", "stbl", "co64");
            Mp4BoxReader level = r;
            for (int i = 0; i < path.size(); i++) {
                Mp4BoxReader.Header h;
                while ((h = level.next()) != null && !h.type().equals(path.get(i))) {
                    // skip siblings
                }
                assertTrue(h != null, "no " + path.get(i));
                if (i == path.size() - 1) {
                    ByteBuffer b = level.content(h, 1 << 20);
                    int n = b.getInt(4);
                    List<Long> out = new ArrayList<>();
                    for (int k = 0; k < n; k++) {
                        out.add(b.getLong(8 + 8 * k));
                    }
                    return out.stream().mapToLong(Long::longValue).toArray();
                }
                level = level.children(h);
            }
        }
        throw new AssertionError("unreachable");
    }
}
