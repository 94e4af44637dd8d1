package io.osprey.plugin.recorder;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.osprey.media.mp4.Mp4BoxReader;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Set;

/**
 * Hostile segment and init files for the merge's readers (HOSTILE-INPUTS G3): only {@link IOException}s (format
 * errors) may escape, and every run the scanner accepts lies inside the input. The normal build replays the seeds
 * in SegmentReaderFuzzTestInputs/ (real fragments and init segments of the test clip, and cut ones).
 */
class SegmentReaderFuzzTest {

    @FuzzTest(maxDuration = "60s")
    void segment(byte[] input) throws IOException {
        FragmentScanner.Scan s = FragmentScanner.scan(Mp4BoxReader.of(ByteBuffer.wrap(input)), Set.of(1, 2));
        assertTrue(s.validEnd() >= 0 && s.validEnd() <= input.length);
        long previous = -1;
        for (FragmentScanner.Fragment f : s.fragments()) {
            assertTrue(f.offset() > previous && f.end() <= s.validEnd());
            previous = f.offset();
            for (FragmentScanner.Run r : f.runs()) {
                assertTrue(r.dataOffset() >= 0 && r.dataLength() >= 0 && r.dataOffset() + r.dataLength() <= f.end());
                assertTrue(r.durations().length == r.samples() && r.sync().length == r.samples()
                        && r.compositionOffsets().length == r.samples());
            }
        }
    }

    @FuzzTest(maxDuration = "60s")
    void init(byte[] input) {
        try {
            InitSegment init = InitSegment.read(Mp4BoxReader.of(ByteBuffer.wrap(input)));
            for (InitSegment.Track t : init.tracks()) {
                assertTrue(t.trackId() > 0 && t.timescale() > 0 && t.stsd().size() <= input.length);
            }
        } catch (IOException expected) {
            // a format error is the right answer to a bad file
        }
    }
}
