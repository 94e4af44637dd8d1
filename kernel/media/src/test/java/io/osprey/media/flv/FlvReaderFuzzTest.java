package io.osprey.media.flv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.osprey.media.amf0.Bytes;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Arbitrary bytes fed to {@link FlvReader} in fuzzer-chosen pieces: only {@link FlvFormatException} may escape,
 * every byte fed is accounted for, no body exceeds the limit, and the tags are the same as when the whole input is
 * fed at once (HOSTILE-INPUTS B12 for FLV). Input layout: piece sizes, then the stream, then (last byte) how many
 * piece sizes there are. Regression inputs live in {@code FlvReaderFuzzTestInputs/feedInPieces/}.
 */
class FlvReaderFuzzTest {

    private static final int MAX_TAG = 4096;

    @FuzzTest
    void feedInPieces(FuzzedDataProvider data) {
        byte[] sizes = data.consumeBytes(data.consumeInt(0, 64));
        byte[] stream = data.consumeRemainingAsBytes();

        List<String> whole = new ArrayList<>();
        boolean wholeFailed = run(new Recorder(whole), stream, new byte[0]);
        List<String> pieces = new ArrayList<>();
        boolean piecesFailed = run(new Recorder(pieces), stream, sizes);

        assertEquals(wholeFailed, piecesFailed, "failure must not depend on segmentation");
        assertEquals(whole, pieces, "tags must not depend on segmentation");
    }

    /** Feeds {@code stream} in pieces of {@code sizes} (cycled; one piece if empty); whether it failed. */
    private static boolean run(Recorder recorder, byte[] stream, byte[] sizes) {
        FlvReader reader = new FlvReader(MAX_TAG, recorder);
        long fed = 0;
        int at = 0;
        int i = 0;
        try {
            while (at < stream.length) {
                int n = sizes.length == 0 ? stream.length : Math.min(stream.length - at, (sizes[i++ % sizes.length]
                        & 0xFF) + 1);
                ByteBuffer piece = ByteBuffer.wrap(stream, at, n);
                reader.feed(piece);
                assertEquals(0, piece.remaining(), "feed consumes all of its input");
                at += n;
                fed += n;
                assertEquals(fed, reader.bytesRead(), "every byte accounted for");
            }
            return false;
        } catch (FlvFormatException expected) {
            return true;
        }
    }

    private record Recorder(List<String> tags) implements FlvReader.Listener {
        @Override
        public void onHeader(boolean audio, boolean video) {
            tags.add("header " + audio + video);
        }

        @Override
        public void onTag(FlvTag tag) {
            assertTrue(tag.size() <= MAX_TAG);
            assertTrue(tag.timestamp() >= 0 && tag.timestamp() <= 0xFFFFFFFFL);
            tags.add(tag.type() + "@" + tag.timestamp() + ":" + Bytes.toHex(Bytes.toArray(tag.body())));
        }
    }
}
