package io.osprey.plugin.rtmp.protocol;

import static io.osprey.plugin.rtmp.protocol.Bytes.concat;
import static io.osprey.plugin.rtmp.protocol.Bytes.decode;
import static io.osprey.plugin.rtmp.protocol.Bytes.decodeByteByByte;
import static io.osprey.plugin.rtmp.protocol.Bytes.filled;
import static io.osprey.plugin.rtmp.protocol.Bytes.hex;
import static io.osprey.plugin.rtmp.protocol.Bytes.message;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Golden chunk bytes, annotated field by field against 5.3.1 and the examples of 5.3.2, decoded two ways. */
class ChunkDecoderGoldenTest {

    private static void assertDecodes(byte[] input, RtmpMessage... expected) throws RtmpProtocolException {
        assertEquals(List.of(expected), decode(input), "whole buffer");
        assertEquals(List.of(expected), decodeByteByByte(RtmpLimits.DEFAULT, input), "one byte at a time");
    }

    @Test
    void type0WithOneByteBasicHeader() throws Exception {
        assertDecodes(hex(
                "03",         // 5.3.1.1 basic header: fmt 0 (bits 7-6 = 00), csid 3 (bits 5-0)
                "000102",     // 5.3.1.2.1 timestamp 258
                "000004",     // message length 4
                "14",         // message type id 20 (AMF0 command)
                "01000000",   // message stream id 1, little-endian
                "cafebabe"),  // payload
                message(3, 20, 258, 1, hex("cafebabe")));
    }

    @Test
    void type0WithTwoByteBasicHeader() throws Exception {
        assertDecodes(hex(
                "00", "10",   // 5.3.1.1 fmt 0, csid field 0 → 2-byte form; csid = 0x10 + 64 = 80
                "000000", "000001", "09", "00000000",
                "17"),
                message(80, 9, 0, 0, hex("17")));
    }

    @Test
    void type0WithThreeByteBasicHeader() throws Exception {
        assertDecodes(hex(
                "01", "02", "01", // 5.3.1.1 fmt 0, csid field 1 → 3-byte form; csid = 0x02 + 0x01 * 256 + 64 = 322
                "000000", "000001", "08", "00000000",
                "af"),
                message(322, 8, 0, 0, hex("af")));
        assertDecodes(hex(
                "01", "ff", "ff", // the largest csid: 255 + 255 * 256 + 64 = 65599
                "000000", "000000", "08", "00000000"),
                message(65599, 8, 0, 0, new byte[0]));
    }

    @Test
    void specExample1AudioWithTypes0_2_3() throws Exception {
        // 5.3.2.1 Example 1: audio on one stream, constant length 32 and delta 20
        assertDecodes(concat(
                hex("03", "0003e8", "000020", "08", "0c000000"), filled(32, 1), // type 0: timestamp 1000, len 32
                hex("83", "000014"), filled(32, 2),                            // type 2: delta 20
                hex("c3"), filled(32, 3),                                      // type 3: delta 20 again
                hex("c3"), filled(32, 4)),
                message(3, 8, 1000, 12, filled(32, 1)),
                message(3, 8, 1020, 12, filled(32, 2)),
                message(3, 8, 1040, 12, filled(32, 3)),
                message(3, 8, 1060, 12, filled(32, 4)));
    }

    @Test
    void specExample2MessageSplitIntoChunks() throws Exception {
        // 5.3.2.2 Example 2: a 307-byte video message with the default 128-byte chunk size
        byte[] payload = new byte[307];
        for (int i = 0; i < payload.length; i++) {
            payload[i] = (byte) i;
        }
        assertDecodes(concat(
                hex("04", "0003e8", "000133", "09", "0c000000"), java.util.Arrays.copyOfRange(payload, 0, 128),
                hex("c4"), java.util.Arrays.copyOfRange(payload, 128, 256),  // type 3 continuation
                hex("c4"), java.util.Arrays.copyOfRange(payload, 256, 307)),
                message(4, 9, 1000, 12, payload));
    }

    @Test
    void type1ChangesLengthAndTypeAndAddsDelta() throws Exception {
        assertDecodes(hex(
                "05", "000064", "000001", "08", "01000000", "aa",  // type 0: ts 100
                "45", "00000a", "000002", "09", "bbcc",            // type 1 (01 << 6 | 5): delta 10, len 2, type 9
                "c5", "dddd"),                                     // type 3 new message: same delta 10, same len
                message(5, 8, 100, 1, hex("aa")),
                message(5, 9, 110, 1, hex("bbcc")),
                message(5, 9, 120, 1, hex("dddd")));
    }

    @Test
    void type3AfterType0UsesTheType0TimestampAsDelta() throws Exception {
        // 5.3.1.2.4: "If the delta between the first message and the second message is same as the timestamp of
        // the first message, then a chunk of Type 3 could immediately follow the chunk of Type 0"
        assertDecodes(hex("06", "000028", "000001", "08", "01000000", "01", "c6", "02"),
                message(6, 8, 40, 1, hex("01")),
                message(6, 8, 80, 1, hex("02")));
    }

    @Test
    void extendedTimestampRepeatedOnType3ContinuationAsFlashDoes() throws Exception {
        byte[] payload = filled(200, 7);
        assertDecodes(concat(
                hex("04", "ffffff", "0000c8", "09", "01000000", "01000000"), // 5.3.1.3: ts 0xFFFFFF → extended 2^24
                java.util.Arrays.copyOf(payload, 128),
                hex("c4", "01000000"),                                        // type 3 repeats the extended field
                java.util.Arrays.copyOf(payload, 72)),
                message(4, 9, 0x01000000L, 1, payload));
    }

    @Test
    void extendedTimestampNotRepeatedOnType3Continuation() throws Exception {
        byte[] payload = filled(200, 7);
        assertDecodes(concat(
                hex("04", "ffffff", "0000c8", "09", "01000000", "01000000"),
                java.util.Arrays.copyOf(payload, 128),
                hex("c4"),                                                    // type 3 without the extended field
                java.util.Arrays.copyOf(payload, 72)),
                message(4, 9, 0x01000000L, 1, payload));
    }
}
