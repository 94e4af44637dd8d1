package io.osprey.media.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class BitReaderTest {

    @Test
    void readsBitsMsbFirst() throws Exception {
        BitReader r = new BitReader(new byte[] {(byte) 0b1010_1100, (byte) 0xFF, 0x01});
        assertTrue(r.readFlag());
        assertEquals(0b010, r.readBits(3));
        assertEquals(0b1100_1111, r.readBits(8));
        assertEquals(12, r.bitsLeft());
        assertEquals(0xF01, r.readBitsLong(12));
        assertEquals(0, r.bitsLeft());
    }

    @Test
    void expGolombTable9_2() throws Exception {
        // ISO 14496-10 Table 9-2: 1 -> 0, 010 -> 1, 011 -> 2, 00100 -> 3, 00111 -> 6, 0001000 -> 7
        BitReader r = new BitReader(new byte[] {(byte) 0b1010_0110, (byte) 0b0100_0011, (byte) 0b1000_1000});
        assertEquals(0, r.readUe());
        assertEquals(1, r.readUe());
        assertEquals(2, r.readUe());
        assertEquals(3, r.readUe());
        assertEquals(6, r.readUe());
        assertEquals(7, r.readUe());
    }

    @Test
    void signedExpGolombTable9_3() throws Exception {
        // k = 1, 2, 3, 4 -> +1, -1, +2, -2
        byte[] b = new BitWriterForTests().ue(1).ue(2).ue(3).ue(4).trailing();
        BitReader r = new BitReader(b);
        assertEquals(1, r.readSe());
        assertEquals(-1, r.readSe());
        assertEquals(2, r.readSe());
        assertEquals(-2, r.readSe());
    }

    @Test
    void largestAcceptedAndRejectedCodes() throws Exception {
        byte[] max = new BitWriterForTests().ue(Integer.MAX_VALUE).trailing();
        assertEquals(Integer.MAX_VALUE, new BitReader(max).readUe());
        byte[] tooBig = new BitWriterForTests().ue(1L << 32).trailing();
        assertThrows(CodecException.class, () -> new BitReader(tooBig).readUe());
        assertThrows(CodecException.class, () -> new BitReader(new byte[8]).readUe()); // 64 zero bits
    }

    @Test
    void truncationIsACodecExceptionNotAnIndexError() throws Exception {
        BitReader r = new BitReader(new byte[] {0x00, 0x01}, 1, 1);
        assertEquals(0, r.readBits(7));
        assertTrue(r.readFlag());
        assertThrows(CodecException.class, r::readFlag);
        assertThrows(CodecException.class, () -> new BitReader(new byte[] {0}).readUe());
        assertThrows(CodecException.class, () -> new BitReader(new byte[1]).skipBits(9));
        assertFalse(new BitReader(new byte[0]).bitsLeft() > 0);
    }
}
