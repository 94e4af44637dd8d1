package io.osprey.media.mp4;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Arbitrary bytes walked as an ISO BMFF file, descending into containers and parsing fragment boxes: only
 * {@link Mp4FormatException} may escape (HOSTILE-INPUTS G3: no declared size or count decides an allocation).
 */
class Mp4BoxReaderFuzzTest {

    @FuzzTest(maxDuration = "30s")
    void walkArbitraryBytes(byte[] data) throws IOException {
        try {
            walk(Mp4BoxReader.of(ByteBuffer.wrap(data)), data.length, 0);
        } catch (Mp4FormatException expected) {
            // malformed input is reported, nothing else
        }
    }

    private static void walk(Mp4BoxReader r, int length, int depth) throws IOException {
        for (Mp4BoxReader.Header h = r.next(); h != null; h = r.next()) {
            if (h.offset() < 0 || h.end() > length || h.size() < h.headerSize()) {
                throw new IllegalStateException("header outside its source: " + h);
            }
            if (depth > 16) {
                continue;
            }
            switch (h.type()) {
                case "moov", "trak", "mdia", "minf", "dinf", "stbl", "mvex", "moof", "traf", "edts" ->
                        walk(r.children(h), length, depth + 1);
                case "stsd" -> walk(r.children(h, 8), length, depth + 1);
                case "mfhd" -> MovieFragmentHeaderBox.parse(r.content(h, 1 << 16));
                case "tfhd" -> TrackFragmentHeaderBox.parse(r.content(h, 1 << 16));
                case "tfdt" -> TrackFragmentBaseMediaDecodeTimeBox.parse(r.content(h, 1 << 16));
                case "trun" -> TrackRunBox.parse(r.content(h, 1 << 20));
                default -> r.content(h, 1 << 20);
            }
        }
    }
}
