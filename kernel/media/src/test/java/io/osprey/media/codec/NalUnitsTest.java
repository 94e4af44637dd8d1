package io.osprey.media.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;

class NalUnitsTest {

    @Test
    void unescapeRemovesOnlyEmulationPreventionBytes() {
        // 7.4.1: 00 00 03 xx -> 00 00 xx; a 03 not after two zeros stays; 00 00 03 00 00 03 both go
        ByteBuffer nal = Hex.buf("67 00 00 03 01 03 00 00 03 00 00 03 03 ff");
        assertEquals("67000001030000000003ff", Hex.of(NalUnits.unescapeRbsp(nal)));
        assertEquals(0, nal.position());
    }

    @Test
    void splitsLengthPrefixedUnitsWithEachLengthSize() throws Exception {
        ByteBuffer four = Hex.buf("00000002 0910  00000000  00000003 65aabb");
        List<ByteBuffer> units = NalUnits.splitLengthPrefixed(four, 4);
        assertEquals(2, units.size());
        assertEquals("0910", Hex.of(units.get(0)));
        assertEquals("65aabb", Hex.of(units.get(1)));
        assertTrue(units.get(0).isReadOnly());
        assertEquals(2, NalUnits.splitLengthPrefixed(Hex.buf("0002 0910 0001 41"), 2).size());
        assertEquals(2, NalUnits.splitLengthPrefixed(Hex.buf("02 0910 01 41"), 1).size());
    }

    @Test
    void rejectsLengthsBeyondTheBuffer() {
        assertThrows(CodecException.class, () -> NalUnits.splitLengthPrefixed(Hex.buf("00000005 6500"), 4));
        assertThrows(CodecException.class, () -> NalUnits.splitLengthPrefixed(Hex.buf("000000"), 4));
        assertThrows(CodecException.class, () -> NalUnits.splitLengthPrefixed(Hex.buf("ffffffff 00"), 4));
        assertThrows(CodecException.class, () -> NalUnits.splitLengthPrefixed(Hex.buf("00"), 5));
    }

    @Test
    void toAnnexBReplacesLengthsWithStartCodes() throws Exception {
        ByteBuffer avcc = Hex.buf("00000002 0910 00000003 65aabb");
        assertEquals(13, NalUnits.annexBSize(avcc, 4));
        ByteBuffer out = ByteBuffer.allocate(13);
        NalUnits.toAnnexB(avcc, 4, out);
        assertArrayEquals(Hex.bytes("00000001 0910 00000001 65aabb"), out.array());
        ByteBuffer small = ByteBuffer.allocate(20);
        NalUnits.toAnnexB(Hex.buf("0002 0910"), 2, small);
        assertEquals(6, small.position());
    }

    @Test
    void nalTypeHelpers() {
        assertEquals(NalUnits.H264_IDR, NalUnits.h264Type((byte) 0x65));
        assertEquals(NalUnits.H264_SPS, NalUnits.h264Type((byte) 0x67));
        assertEquals(NalUnits.H265_VPS, NalUnits.h265Type((byte) 0x40));
        assertEquals(NalUnits.H265_IDR_W_RADL, NalUnits.h265Type((byte) 0x26));
        assertTrue(NalUnits.isH265Irap(NalUnits.H265_CRA));
        assertTrue(NalUnits.isVcl(1, false) && !NalUnits.isVcl(6, false) && NalUnits.isVcl(0, true));
    }
}
