package io.osprey.media.flv;

import static io.osprey.media.amf0.Bytes.cat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** HOSTILE-INPUTS section E (FLV rows) and truncations, against {@link FlvReader} and {@link FlvMedia}. */
class FlvHostileInputTest {

    private final List<FlvTag> tags = new ArrayList<>();
    private final FlvReader.Listener listener = new FlvReader.Listener() {
        @Override
        public void onHeader(boolean audio, boolean video) {
        }

        @Override
        public void onTag(FlvTag tag) {
            tags.add(tag);
        }
    };

    private FlvFormatException rejects(int maxTagSize, byte[] stream) {
        return assertThrows(FlvFormatException.class, () -> new FlvReader(maxTagSize, listener)
                .feed(ByteBuffer.wrap(stream)));
    }

    @Test
    void e1ZeroSizeVideoAndAudioTagsPassTheReaderAndAreRejectedByFlvMedia() throws Exception {
        byte[] stream = cat(FlvHeader.bytes(true, true), "09 000000 000000 00 000000 0000000B",
                "08 000000 000000 00 000000 0000000B");
        FlvReader r = new FlvReader(1 << 20, listener);
        r.feed(ByteBuffer.wrap(stream));
        assertEquals(2, tags.size(), "no underflow, no desync");
        assertEquals(0, r.badPreviousTagSizes());
        assertEquals(stream.length, r.bytesRead());
        assertThrows(FlvFormatException.class, () -> FlvMedia.parseVideo(tags.get(0).body()));
        assertThrows(FlvFormatException.class, () -> FlvMedia.parseAudio(tags.get(1).body()));
    }

    @Test
    void e2HugeDataSizeIsRejectedBeforeBuffering() {
        // DataSize 0xFFFFFF with 10 bytes of body
        byte[] stream = cat(FlvHeader.bytes(false, true), "09 FFFFFF 000000 00 000000 00112233445566778899");
        assertTrue(rejects(8 << 20, stream).getMessage().contains("exceeds"));
    }

    @Test
    void e2BadSignatureAndDataOffset() {
        rejects(1000, cat("464C57 01 05 00000009 00000000"));              // "FLW"
        rejects(1000, cat("000000 01 05 00000009 00000000"));
        rejects(1000, cat("464C56 01 05 FFFFFFFF 00000000"));              // DataOffset 0xFFFFFFFF
        rejects(1000, cat("464C56 01 05 00000000 00000000"));              // DataOffset below the header
        // an HTTP error page instead of FLV
        rejects(1000, "HTTP/1.1 404 Not Found\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    }

    @Test
    void e2PreviousTagSizeMismatchIsCountedNotFatal() throws Exception {
        FlvReader r = new FlvReader(1000, listener);
        r.feed(ByteBuffer.wrap(cat(FlvHeader.bytes(false, true), "09 000001 000000 00 000000 17 FFFFFFFF",
                "09 000001 000000 00 000000 17 00000000")));
        assertEquals(2, tags.size());
        assertEquals(2, r.badPreviousTagSizes());
    }

    @Test
    void filterBitIsRejected() {
        rejects(1000, cat(FlvHeader.bytes(false, true), "29 000001 000000 00 000000 17 0000000C"));
        rejects(1000, cat(FlvHeader.bytes(false, true), "3F 000001 000000 00 000000 17 0000000C"));
    }

    @Test
    void truncatedStreamsDeliverNothingPartialAndThrowNothing() throws Exception {
        byte[] stream = FlvReaderTest.STREAM;
        for (int cut = 0; cut < stream.length; cut++) {
            tags.clear();
            FlvReader r = new FlvReader(1 << 20, listener);
            r.feed(ByteBuffer.wrap(stream, 0, cut));
            assertEquals(cut, r.bytesRead());
            for (FlvTag t : tags) {
                assertTrue(t.size() == 16 || t.size() == 5 || t.size() == 2, "only whole tags");
            }
        }
    }

    @Test
    void afterAFailureTheReaderStaysFailedUntilReset() throws Exception {
        FlvReader r = new FlvReader(1000, listener);
        assertThrows(FlvFormatException.class, () -> r.feed(ByteBuffer.wrap(cat("000000 01 05 00000009"))));
        assertThrows(FlvFormatException.class, () -> r.feed(ByteBuffer.wrap(FlvReaderTest.STREAM)));
        r.reset();
        r.feed(ByteBuffer.wrap(FlvReaderTest.STREAM));
        assertEquals(3, tags.size());
    }
}
