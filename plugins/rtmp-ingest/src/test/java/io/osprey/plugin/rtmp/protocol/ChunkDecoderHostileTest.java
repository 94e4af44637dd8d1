package io.osprey.plugin.rtmp.protocol;

import static io.osprey.plugin.rtmp.protocol.Bytes.concat;
import static io.osprey.plugin.rtmp.protocol.Bytes.decode;
import static io.osprey.plugin.rtmp.protocol.Bytes.decodeByteByByte;
import static io.osprey.plugin.rtmp.protocol.Bytes.filled;
import static io.osprey.plugin.rtmp.protocol.Bytes.hex;
import static io.osprey.plugin.rtmp.protocol.Bytes.message;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** HOSTILE-INPUTS.md section B, one test (or more) per case. */
class ChunkDecoderHostileTest {

    /** Set Chunk Size on csid 2: type 0, ts 0, length 4, type 1, stream 0, then the 4-byte size. */
    private static byte[] setChunkSize(String sizeHex) {
        return hex("02", "000000", "000004", "01", "00000000", sizeHex);
    }

    private static RtmpProtocolException assertRejected(byte[] input, String reasonPart) {
        RtmpProtocolException whole = assertThrows(RtmpProtocolException.class, () -> decode(input));
        RtmpProtocolException split = assertThrows(RtmpProtocolException.class,
                () -> decodeByteByByte(RtmpLimits.DEFAULT, input));
        assertEquals(whole.getMessage(), split.getMessage());
        assertTrue(whole.getMessage().contains(reasonPart), whole.getMessage());
        return whole;
    }

    // B1
    @ParameterizedTest
    @ValueSource(strings = {"00000000", "00000001", "0000007f", "80000000", "7fffffff", "01000001", "ffffffff"})
    void b1SetChunkSizeOutOfRangeIsRejected(String size) {
        assertRejected(concat(setChunkSize(size), hex("03", "000000", "000001", "14", "00000000", "05")),
                "Set Chunk Size");
    }

    @Test
    void b1SetChunkSizeAtTheLimitsIsAppliedAndDelivered() throws Exception {
        List<RtmpMessage> received = new ArrayList<>();
        ChunkDecoder decoder = new ChunkDecoder(RtmpLimits.DEFAULT, received::add);
        decoder.parse(ByteBuffer.wrap(setChunkSize("01000000")));  // 16 MiB
        assertEquals(16 * 1024 * 1024, decoder.chunkSize());
        decoder.parse(ByteBuffer.wrap(setChunkSize("00000080")));  // 128
        assertEquals(128, decoder.chunkSize());
        assertEquals(2, received.size());
        assertEquals(MessageType.SET_CHUNK_SIZE, received.get(0).type());
    }

    // B2
    @Test
    void b2ShrinkingChunkSizeInTheSameReadAsAPartialMessage() throws Exception {
        byte[] big = new byte[5000];
        new java.util.Random(2).nextBytes(big);
        byte[] input = concat(
                setChunkSize("00001000"),                                           // 4096
                hex("06", "000000", "001388", "09", "01000000"), Arrays.copyOf(big, 4096), // first chunk of 5000
                setChunkSize("00000080"),                                           // shrink to 128
                hex("c6"), Arrays.copyOfRange(big, 4096, 4224),                     // the rest, 128 at a time
                hex("c6"), Arrays.copyOfRange(big, 4224, 4352),
                hex("c6"), Arrays.copyOfRange(big, 4352, 4480),
                hex("c6"), Arrays.copyOfRange(big, 4480, 4608),
                hex("c6"), Arrays.copyOfRange(big, 4608, 4736),
                hex("c6"), Arrays.copyOfRange(big, 4736, 4864),
                hex("c6"), Arrays.copyOfRange(big, 4864, 4992),
                hex("c6"), Arrays.copyOfRange(big, 4992, 5000));
        List<RtmpMessage> expected = List.of(
                message(2, 1, 0, 0, hex("00001000")),
                message(2, 1, 0, 0, hex("00000080")),
                message(6, 9, 0, 1, big));
        assertEquals(expected, decode(input));
        assertEquals(expected, decodeByteByByte(RtmpLimits.DEFAULT, input));
    }

    // B3
    @ParameterizedTest
    @ValueSource(strings = {"43000000000001080001", "830000000001", "c3"})
    void b3FirstChunkOfACsidMustBeType0(String chunk) {
        assertRejected(hex(chunk, "00"), "must be type 0");
    }

    @Test
    void b3LibrtmpPingWithType1OnCsid2IsAccepted() throws Exception {
        byte[] input = hex("42", "000000", "000006", "04", "0006", "0000abcd"); // fmt 1, csid 2: user control ping
        assertEquals(List.of(message(2, 4, 0, 0, hex("00060000abcd"))), decode(input));
        assertRejected(hex("82", "000000"), "must be type 0");                    // but not type 2
    }

    // B4
    @Test
    void b4CsidAboveTheConfiguredMaximumIsRejected() {
        RtmpLimits limits = new RtmpLimits(128, 1 << 24, 1 << 20, 64, 1000);
        byte[] csid1001 = hex("01", "a9", "03", "000000", "000000", "08", "00000000"); // 0x03a9 + 64 = 1001
        RtmpProtocolException e = assertThrows(RtmpProtocolException.class, () -> decode(limits, csid1001));
        assertTrue(e.getMessage().contains("1001"), e.getMessage());
    }

    @Test
    void b4TooManyDistinctCsidsIsRejected() throws Exception {
        java.io.ByteArrayOutputStream input = new java.io.ByteArrayOutputStream();
        for (int csid = 64; csid < 64 + 65; csid++) {
            int id = csid - 64;  // 3-byte form, each a one-byte message
            input.writeBytes(hex("01", String.format("%02x%02x", id & 0xFF, id >>> 8), "000000", "000001", "09",
                    "00000000", "aa"));
        }
        RtmpProtocolException e = assertRejected(input.toByteArray(), "more than 64 chunk streams");
        assertTrue(e.getMessage().contains("64"));
    }

    // B5
    @Test
    void b5DeclaredLengthOverTheLimitIsRejectedBeforeAllocating() {
        assertRejected(hex("04", "000000", "ffffff", "09", "01000000", "aa"), "exceeds the limit of 1048576");
        assertRejected(hex("04", "000000", "100001", "09", "01000000", "aa"), "exceeds the limit");
    }

    @Test
    void b5BuffersGrowWithReceivedBytesNotDeclaredLength() throws Exception {
        ChunkDecoder decoder = new ChunkDecoder(RtmpLimits.DEFAULT, m -> { });
        for (int csid = 3; csid < 3 + 60; csid++) {
            // 1 MiB declared on each of 60 csids, one payload byte sent
            decoder.parse(ByteBuffer.wrap(hex(String.format("%02x", csid), "000000", "100000", "09", "01000000",
                    "aa")));
            // and the rest of the first chunk never comes: the next csid's header would be read as payload, so
            // finish the 128-byte chunk with filler to reach a header boundary
            decoder.parse(ByteBuffer.wrap(new byte[127]));
        }
        assertTrue(decoder.bufferedBytes() <= 60L * 4096, "buffered " + decoder.bufferedBytes());
        assertTrue(decoder.bufferedBytes() >= 60L * 128);
    }

    @Test
    void b5OnlyMessagesUpTo64KiBAreAllocatedWhole() throws Exception {
        ChunkDecoder decoder = new ChunkDecoder(RtmpLimits.DEFAULT, m -> { });
        // 64 KiB declared, its first 128-byte chunk sent: the whole buffer at once, no growing copies later
        decoder.parse(ByteBuffer.wrap(concat(hex("03", "000000", "010000", "09", "01000000"), filled(128, 1))));
        assertEquals(ChunkStream.ALLOCATE_AT_ONCE, decoder.bufferedBytes());
        // one byte more: grows with what arrives, from 4 KiB
        decoder.parse(ByteBuffer.wrap(concat(hex("04", "000000", "010001", "09", "01000000"), filled(128, 1))));
        assertEquals(ChunkStream.ALLOCATE_AT_ONCE + 4096, decoder.bufferedBytes());
    }

    // B6
    @Test
    void b6LengthTypeOrStreamChangingMidMessageIsRejected() {
        byte[] start = concat(hex("06", "000000", "000100", "09", "01000000"), filled(128, 1)); // 256 bytes, 128 sent
        assertRejected(concat(start, hex("46", "000000", "000200", "09"), filled(128, 2)), "changed length");
        assertRejected(concat(start, hex("46", "000000", "000100", "08"), filled(128, 2)), "changed length");
        assertRejected(concat(start, hex("06", "000000", "000100", "09", "02000000"), filled(128, 2)),
                "changed length");
    }

    @Test
    void b6SameLengthInAType1ContinuationIsAccepted() throws Exception {
        byte[] input = concat(hex("06", "000000", "000100", "09", "01000000"), filled(128, 1),
                hex("46", "000000", "000100", "09"), filled(128, 2));
        assertEquals(1, decode(input).size());
    }

    // B7
    @Test
    void b7ExtendedTimestampsAllForms() throws Exception {
        byte[] input = concat(
                hex("04", "ffffff", "000001", "09", "01000000", "ffffffff", "01"),  // (c) extended 0xFFFFFFFF
                hex("c4", "ffffffff", "02"),               // type-3 new message, extended repeated: delta 2^32-1
                hex("c4", "03"),                           // type-3 new message, not repeated: same delta
                hex("84", "000020", "04"),                 // (d) delta 32 wraps past 2^32
                hex("44", "ffffff", "000001", "09", "80000000", "05")); // (e) extended delta 2^31 on type 1
        List<RtmpMessage> expected = List.of(
                message(4, 9, 0xFFFFFFFFL, 1, hex("01")),
                message(4, 9, 0xFFFFFFFEL, 1, hex("02")),
                message(4, 9, 0xFFFFFFFDL, 1, hex("03")),
                message(4, 9, 0x1DL, 1, hex("04")),
                message(4, 9, 0x8000001DL, 1, hex("05")));
        assertEquals(expected, decode(input));
        assertEquals(expected, decodeByteByByte(RtmpLimits.DEFAULT, input));
    }

    @Test
    void b7ShortType3ChunkWithoutExtendedFieldDoesNotStall() throws Exception {
        // A 130-byte message with extended timestamp whose last chunk (2 bytes, no repeated field) ends the input:
        // the bytes after "c4" differ from the extended value at once, so they are payload.
        byte[] input = concat(hex("04", "ffffff", "000082", "14", "00000000", "01000000"), filled(128, 0),
                hex("c4", "aabb"));
        assertEquals(1, decode(input).size());
        assertEquals(1, decodeByteByByte(RtmpLimits.DEFAULT, input).size());
    }

    // B8
    @Test
    void b8BackwardConstantAndHugeJumpsAreDecodedAsSent() throws Exception {
        byte[] input = hex(
                "04", "001000", "000001", "09", "01000000", "01",  // 4096
                "04", "000010", "000001", "09", "01000000", "02",  // backwards to 16 (type 0)
                "84", "000000", "03",                              // constant (delta 0)
                "84", "ffffff", "80000000", "04");                 // +2^31
        assertEquals(List.of(4096L, 16L, 16L, 0x80000010L),
                decode(input).stream().map(RtmpMessage::timestamp).toList());
    }

    // B9
    @Test
    void b9AbortDiscardsThePartialMessage() throws Exception {
        List<RtmpMessage> received = new ArrayList<>();
        ChunkDecoder decoder = new ChunkDecoder(RtmpLimits.DEFAULT, received::add);
        decoder.parse(ByteBuffer.wrap(concat(hex("06", "000000", "000100", "09", "01000000"), filled(128, 1))));
        assertEquals(256, decoder.bufferedBytes());
        decoder.parse(ByteBuffer.wrap(hex("02", "000000", "000004", "02", "00000000", "00000006"))); // abort csid 6
        assertEquals(0, decoder.bufferedBytes());
        decoder.parse(ByteBuffer.wrap(hex("02", "000000", "000004", "02", "00000000", "00000009"))); // idle csid 9
        decoder.parse(ByteBuffer.wrap(hex("06", "000000", "000002", "09", "01000000", "abcd")));     // new message
        assertEquals(List.of(
                message(2, 2, 0, 0, hex("00000006")),
                message(2, 2, 0, 0, hex("00000009")),
                message(6, 9, 0, 1, hex("abcd"))), received);
    }

    @Test
    void b9AckAndWindowSizesAtTheExtremesAreDelivered() throws Exception {
        List<RtmpMessage> messages = decode(hex(
                "02", "000000", "000004", "03", "00000000", "00000000",    // acknowledgement 0
                "02", "000000", "000004", "05", "00000000", "ffffffff"));  // window ack size 2^32-1
        assertEquals(0, ProtocolControl.readUInt32(messages.get(0)));
        assertEquals(0xFFFFFFFFL, ProtocolControl.readUInt32(messages.get(1)));
    }

    @Test
    void b9ShortControlPayloadsAreRejected() throws Exception {
        assertRejected(hex("02", "000000", "000003", "02", "00000000", "000006"), "needs 4");  // short abort
        assertRejected(hex("02", "000000", "000000", "01", "00000000"), "needs 4");           // empty chunk size
        for (String payload : new String[] {"", "00"}) {
            RtmpMessage m = decode(hex("02", "000000", String.format("%06x", payload.length() / 2), "04",
                    "00000000", payload)).get(0);
            assertThrows(RtmpProtocolException.class, () -> ProtocolControl.parseUserControl(m));
        }
    }

    // B10
    @Test
    void b10UnknownTypesAndZeroLengthMessagesOfEveryTypeAreDelivered() throws Exception {
        for (int type = 0; type < 256; type++) {
            if (type == MessageType.SET_CHUNK_SIZE || type == MessageType.ABORT) {
                continue;  // these need their 4 bytes: see b9
            }
            byte[] input = hex("05", "000000", "000000", HexFormat.of().toHexDigits((byte) type), "01000000",
                    "c5", "c5");  // a zero-length message, then two more as type-3 chunks
            List<RtmpMessage> messages = decodeByteByByte(RtmpLimits.DEFAULT, input);
            assertEquals(3, messages.size(), "type " + type);
            assertEquals(0, messages.get(2).length());
            assertEquals(type, messages.get(2).type());
        }
    }

    // B12
    @Test
    void b12InterleavedAudioAndVideoGiveTheSameResultAtEverySplit() throws Exception {
        byte[] video = filled(300, 0x17);
        byte[] audio = filled(150, 0xAF);
        byte[] input = concat(
                hex("06", "000010", "00012c", "09", "01000000"), Arrays.copyOf(video, 128),
                hex("04", "000011", "000096", "08", "01000000"), Arrays.copyOf(audio, 128),
                hex("c6"), Arrays.copyOfRange(video, 128, 256),
                hex("c4"), Arrays.copyOfRange(audio, 128, 150),
                hex("c6"), Arrays.copyOfRange(video, 256, 300),
                hex("44", "000015", "000064", "08"), filled(100, 0xAE));
        List<RtmpMessage> expected = List.of(
                message(4, 8, 0x11, 1, audio), message(6, 9, 0x10, 1, video), message(4, 8, 0x26, 1,
                        filled(100, 0xAE)));
        assertEquals(expected, decode(input));
        assertEquals(expected, decodeByteByByte(RtmpLimits.DEFAULT, input));
        for (int split = 0; split <= input.length; split++) {
            List<RtmpMessage> received = new ArrayList<>();
            ChunkDecoder decoder = new ChunkDecoder(RtmpLimits.DEFAULT, received::add);
            decoder.parse(ByteBuffer.wrap(input, 0, split));
            decoder.parse(ByteBuffer.wrap(input, split, input.length - split));
            assertEquals(expected, received, "split at " + split);
        }
    }

    @Test
    void aFailedDecoderStaysFailed() {
        ChunkDecoder decoder = new ChunkDecoder(RtmpLimits.DEFAULT, m -> { });
        assertThrows(RtmpProtocolException.class, () -> decoder.parse(ByteBuffer.wrap(hex("c3"))));
        assertThrows(RtmpProtocolException.class, () -> decoder.parse(ByteBuffer.wrap(hex("03"))));
    }
}
