package io.osprey.plugin.rtmp.protocol;

import static io.osprey.plugin.rtmp.protocol.Bytes.array;
import static io.osprey.plugin.rtmp.protocol.Bytes.concat;
import static io.osprey.plugin.rtmp.protocol.Bytes.filled;
import static io.osprey.plugin.rtmp.protocol.Bytes.hex;
import static io.osprey.plugin.rtmp.protocol.Bytes.message;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.BufferOverflowException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Golden bytes the encoder must produce (5.3.1, the examples of 5.3.2). */
class ChunkEncoderTest {

    @Test
    void specExample1PicksType0ThenType2ThenType3() {
        ChunkEncoder encoder = new ChunkEncoder();
        assertArrayEquals(concat(hex("03", "0003e8", "000020", "08", "0c000000"), filled(32, 1)),
                array(encoder.encode(message(3, 8, 1000, 12, filled(32, 1)))));
        assertArrayEquals(concat(hex("83", "000014"), filled(32, 2)),      // type 2: delta 20
                array(encoder.encode(message(3, 8, 1020, 12, filled(32, 2)))));
        assertArrayEquals(concat(hex("c3"), filled(32, 3)),                // type 3: same delta, length, type
                array(encoder.encode(message(3, 8, 1040, 12, filled(32, 3)))));
    }

    @Test
    void specExample2SplitsIntoType3Continuations() {
        byte[] payload = filled(307, 9);
        assertArrayEquals(concat(
                hex("04", "0003e8", "000133", "09", "0c000000"), Arrays.copyOf(payload, 128),
                hex("c4"), Arrays.copyOf(payload, 128),
                hex("c4"), Arrays.copyOf(payload, 51)),
                array(new ChunkEncoder().encode(message(4, 9, 1000, 12, payload))));
    }

    @Test
    void type1WhenLengthOrTypeChangesAndType0WhenTimeGoesBackOrStreamChanges() {
        ChunkEncoder encoder = new ChunkEncoder();
        encoder.encode(message(5, 8, 100, 1, hex("aa")));
        assertArrayEquals(hex("45", "00000a", "000002", "09", "bbcc"),
                array(encoder.encode(message(5, 9, 110, 1, hex("bbcc")))));
        assertArrayEquals(hex("05", "000064", "000002", "09", "01000000", "bbcc"),   // backwards → type 0
                array(encoder.encode(message(5, 9, 100, 1, hex("bbcc")))));
        assertArrayEquals(hex("05", "000064", "000002", "09", "02000000", "bbcc"),   // other stream → type 0
                array(encoder.encode(message(5, 9, 100, 2, hex("bbcc")))));
    }

    @Test
    void basicHeaderForms() {
        assertArrayEquals(hex("3f", "000000", "000000", "08", "00000000"),       // csid 63: one byte
                array(new ChunkEncoder().encode(message(63, 8, 0, 0, new byte[0]))));
        assertArrayEquals(hex("00ff", "000000", "000000", "08", "00000000"),     // csid 319: 0, 319 - 64
                array(new ChunkEncoder().encode(message(319, 8, 0, 0, new byte[0]))));
        assertArrayEquals(hex("01 0001", "000000", "000000", "08", "00000000"),  // csid 320: 1, 256 LE
                array(new ChunkEncoder().encode(message(320, 8, 0, 0, new byte[0]))));
    }

    @Test
    void extendedTimestampIsRepeatedOnEveryType3Chunk() {
        byte[] payload = filled(200, 5);
        assertArrayEquals(concat(
                hex("04", "ffffff", "0000c8", "09", "01000000", "ffffffff"), Arrays.copyOf(payload, 128),
                hex("c4", "ffffffff"), Arrays.copyOf(payload, 72)),
                array(new ChunkEncoder().encode(message(4, 9, 0xFFFFFFFFL, 1, payload))));
    }

    @Test
    void largerChunkSizeAndBufferVariant() {
        ChunkEncoder encoder = new ChunkEncoder();
        encoder.setChunkSize(4096);
        assertEquals(4096, encoder.chunkSize());
        RtmpMessage m = message(6, 9, 0, 1, filled(5000, 1));
        ByteBuffer out = ByteBuffer.allocate(encoder.maxEncodedLength(m));
        int written = encoder.encode(m, out);
        assertEquals(12 + 5000 + 1, written);  // one type-0 header, one type-3 header
        assertThrows(BufferOverflowException.class, () -> encoder.encode(m, ByteBuffer.allocate(100)));
        assertThrows(IllegalArgumentException.class, () -> encoder.setChunkSize(0));
    }
}
