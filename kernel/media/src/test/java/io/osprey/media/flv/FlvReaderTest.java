package io.osprey.media.flv;

import static io.osprey.media.amf0.Bytes.ascii;
import static io.osprey.media.amf0.Bytes.cat;
import static io.osprey.media.amf0.Bytes.hex;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.osprey.media.amf0.Bytes;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class FlvReaderTest {

    /** A hand-made stream, field by field: header, then a script, a video and an audio tag. */
    static final byte[] STREAM = cat(
            "464C56 01 05 00000009",        // E.2 'FLV', Version 1, flags audio|video, DataOffset 9
            "00000000",                      // E.3 PreviousTagSize0
            "12 000010 000000 00 000000",    // E.4.1 TagType 18, DataSize 16, Timestamp 0, Ext 0, StreamID 0
            "02 000A", ascii("onMetaData"), "05 0000", // SCRIPTDATA "onMetaData" null, and 2 stray bytes
            "0000001B",                      // PreviousTagSize 11 + 16
            "09 000005 345678 12 000000",    // video, DataSize 5, Timestamp 0x345678, TimestampExtended 0x12
            "17 01 000000",                  // 0x17 AVC key frame, AVCPacketType 1, CTS 0 (no NALUs)
            "00000010",                      // PreviousTagSize 11 + 5
            "08 000002 000021 00 000000",    // audio, DataSize 2, Timestamp 33
            "AF 00",                         // AAC 44 kHz 16-bit stereo, sequence header (empty)
            "0000000D");                     // PreviousTagSize 11 + 2

    private final List<FlvTag> tags = new ArrayList<>();
    private final List<String> headers = new ArrayList<>();
    private final FlvReader.Listener listener = new FlvReader.Listener() {
        @Override
        public void onHeader(boolean audio, boolean video) {
            headers.add(audio + "/" + video);
        }

        @Override
        public void onTag(FlvTag tag) {
            tags.add(tag);
        }
    };

    private void assertStreamTags() {
        assertEquals(List.of("true/true"), headers);
        assertEquals(3, tags.size());
        assertEquals(FlvTag.SCRIPT, tags.get(0).type());
        assertEquals(0, tags.get(0).timestamp());
        assertArrayEquals(cat("02 000A", ascii("onMetaData"), "05 0000"), Bytes.toArray(tags.get(0).body()));
        assertEquals(FlvTag.VIDEO, tags.get(1).type());
        assertEquals(0x12345678L, tags.get(1).timestamp());
        assertArrayEquals(hex("17 01 000000"), Bytes.toArray(tags.get(1).body()));
        assertEquals(FlvTag.AUDIO, tags.get(2).type());
        assertEquals(33, tags.get(2).timestamp());
        assertArrayEquals(hex("AF 00"), Bytes.toArray(tags.get(2).body()));
    }

    @Test
    void readsAWholeStreamInOneFeed() throws Exception {
        FlvReader r = new FlvReader(1 << 20, listener);
        r.feed(ByteBuffer.wrap(STREAM));
        assertStreamTags();
        assertEquals(STREAM.length, r.bytesRead());
        assertEquals(0, r.badPreviousTagSizes());
    }

    @Test
    void readsTheSameStreamOneByteAtATime() throws Exception {
        FlvReader r = new FlvReader(1 << 20, listener);
        for (byte b : STREAM) {
            ByteBuffer one = ByteBuffer.wrap(new byte[] {b});
            r.feed(one);
            assertEquals(0, one.remaining(), "feed consumes all of its input");
        }
        assertStreamTags();
        assertEquals(STREAM.length, r.bytesRead());
    }

    @Test
    void readsTheSameStreamInRandomPieces() throws Exception {
        Random random = new Random(42);
        for (int round = 0; round < 200; round++) {
            tags.clear();
            headers.clear();
            FlvReader r = new FlvReader(1 << 20, listener);
            int at = 0;
            while (at < STREAM.length) {
                int n = Math.min(STREAM.length - at, random.nextInt(20));
                r.feed(ByteBuffer.wrap(STREAM, at, n));
                at += n;
            }
            assertStreamTags();
        }
    }

    @Test
    void tellsAStreamEndingAtATagBoundaryFromOneCutInsideATag() throws Exception {
        FlvReader whole = new FlvReader(1 << 20, listener);
        assertEquals(null, whole.truncation(), "nothing fed is not a cut");
        whole.feed(ByteBuffer.wrap(STREAM));
        assertEquals(null, whole.truncation());
        FlvReader noLastSize = new FlvReader(1 << 20, listener);
        noLastSize.feed(ByteBuffer.wrap(STREAM, 0, STREAM.length - 4));
        assertEquals(null, noLastSize.truncation(), "the last PreviousTagSize may be missing");
        for (int cut = 1; cut < STREAM.length - 4; cut++) {
            FlvReader r = new FlvReader(1 << 20, listener);
            r.feed(ByteBuffer.wrap(STREAM, 0, cut));
            if (r.truncation() == null) {
                continue; // a boundary between tags
            }
            assertTrue(r.truncation().contains("cut"), r.truncation());
        }
        FlvReader mid = new FlvReader(1 << 20, listener);
        mid.feed(ByteBuffer.wrap(STREAM, 0, STREAM.length - 6));
        assertTrue(mid.truncation().startsWith("a tag cut after"), mid.truncation());
    }

    @Test
    void bodiesAreTheListenersOwnBuffers() throws Exception {
        byte[] copy = STREAM.clone();
        new FlvReader(1 << 20, listener).feed(ByteBuffer.wrap(copy));
        java.util.Arrays.fill(copy, (byte) 0);
        assertStreamTags();
    }

    @Test
    void largeBodyArrivingInPiecesGrowsWithWhatArrived() throws Exception {
        int size = 1 << 20;
        byte[] body = new byte[size];
        new Random(1).nextBytes(body);
        byte[] stream = cat(FlvHeader.bytes(false, true),
                Bytes.toArray(FlvTagWriter.encode(9, 40, ByteBuffer.wrap(body))));
        FlvReader r = new FlvReader(size, listener);
        for (int at = 0; at < stream.length; at += 1000) {
            r.feed(ByteBuffer.wrap(stream, at, Math.min(1000, stream.length - at)));
        }
        assertEquals(1, tags.size());
        assertArrayEquals(body, Bytes.toArray(tags.get(0).body()));
        assertEquals(size, tags.get(0).body().capacity());
    }

    @Test
    void toleratesAndCountsWrongPreviousTagSizes() throws Exception {
        byte[] bad = STREAM.clone();
        bad[13 + 11 + 16 + 3] = 0x7F; // PreviousTagSize after the script tag
        FlvReader r = new FlvReader(1 << 20, listener);
        r.feed(ByteBuffer.wrap(bad));
        assertStreamTags();
        assertEquals(1, r.badPreviousTagSizes());
    }

    @Test
    void skipsUnknownTagTypesWithoutBuffering() throws Exception {
        byte[] stream = cat(FlvHeader.bytes(true, false), "0F 000003 000000 00 000000 AABBCC 0000000E",
                "08 000002 000000 00 000000 AF 01 0000000D");
        FlvReader r = new FlvReader(1 << 20, listener);
        r.feed(ByteBuffer.wrap(stream));
        assertEquals(1, tags.size());
        assertEquals(1, r.skippedTags());
        assertEquals(0, r.badPreviousTagSizes());
    }

    @Test
    void skipsBytesPastALargerDataOffset() throws Exception {
        byte[] stream = cat("464C56 01 01 0000000C EEEEEE 00000000", "09 000001 000000 00 000000 17 00000010");
        FlvReader r = new FlvReader(100, listener);
        r.feed(ByteBuffer.wrap(stream));
        assertEquals(1, tags.size());
        assertEquals(stream.length, r.bytesRead());
    }

    @Test
    void resetStartsANewStream() throws Exception {
        FlvReader r = new FlvReader(1 << 20, listener);
        r.feed(ByteBuffer.wrap(STREAM, 0, 20));
        r.reset();
        assertEquals(0, r.bytesRead());
        headers.clear();
        tags.clear();
        r.feed(ByteBuffer.wrap(STREAM));
        assertStreamTags();
    }

    @Test
    void aListenerExceptionFailsTheReader() {
        FlvReader r = new FlvReader(1 << 20, new FlvReader.Listener() {
            @Override
            public void onHeader(boolean audio, boolean video) {
            }

            @Override
            public void onTag(FlvTag tag) throws FlvFormatException {
                throw new FlvFormatException("no thanks");
            }
        });
        assertThrows(FlvFormatException.class, () -> r.feed(ByteBuffer.wrap(STREAM)));
        assertTrue(assertThrows(FlvFormatException.class, () -> r.feed(ByteBuffer.wrap(STREAM))).getMessage()
                .contains("no thanks"));
    }
}
