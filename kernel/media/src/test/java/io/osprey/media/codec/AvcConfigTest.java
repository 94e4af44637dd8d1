package io.osprey.media.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;

class AvcConfigTest {
    /** The AVC sequence header FFmpeg 8.0.1 wrote to FLV for libopenh264 1280x720 (Constrained Baseline 3.1). */
    static final String REAL_AVCC = """
            01          // configurationVersion
            42 c0 1f    // AVCProfileIndication 66, profile_compatibility 0xc0, AVCLevelIndication 31
            ff          // reserved 111111, lengthSizeMinusOne 3
            e1          // reserved 111, numOfSequenceParameterSets 1
            000f 6742c01f8c6805005bb0101e1108d4
            01          // numOfPictureParameterSets
            0004 68ce3c80
            """;

    @Test
    void parsesRealRecord() throws Exception {
        AvcConfig c = AvcConfig.parse(Hex.buf(REAL_AVCC));
        assertEquals(66, c.profile());
        assertEquals(0xc0, c.compatibility());
        assertEquals(31, c.level());
        assertEquals(4, c.nalLengthSize());
        assertEquals("6742c01f8c6805005bb0101e1108d4", Hex.of(c.sps().get(0)));
        assertEquals("68ce3c80", Hex.of(c.pps().get(0)));
        assertEquals("avc1.42c01f", c.codecString());
        assertEquals(1280, c.firstSps().width());
        assertEquals(720, c.firstSps().height());
    }

    @Test
    void buildWritesTheSameBytesFfmpegWrote() throws Exception {
        AvcConfig c = AvcConfig.parse(Hex.buf(REAL_AVCC));
        assertEquals(Hex.of(Hex.bytes(REAL_AVCC)), Hex.of(AvcConfig.build(c.sps(), c.pps())));
    }

    @Test
    void buildAddsTheHighProfileExtension() throws Exception {
        ByteBuffer sps = Hex.buf(H264SpsTest.SPS_1280x720_HIGH);
        ByteBuffer avcc = AvcConfig.build(List.of(sps), List.of(Hex.buf("68ee3c80")));
        String expected = "01 640c1f ff e1 0010" + Hex.of(sps) + "01 0004 68ee3c80"
                + "fd f8 f8 00"; // chroma_format 1, bit depths 8 - 8, no SPS extensions
        assertEquals(expected.replace(" ", ""), Hex.of(avcc));
        AvcConfig back = AvcConfig.parse(avcc);
        assertEquals(100, back.profile());
        assertEquals(1, back.pps().size());
    }

    @Test
    void hostileRecords() {
        assertThrows(CodecException.class, () -> AvcConfig.parse(Hex.buf("")));
        assertThrows(CodecException.class, () -> AvcConfig.parse(Hex.buf("02 42c01f ff e1 0001 67")));
        // HOSTILE-INPUTS D6: an SPS length beyond the buffer, numSPS 31 with short data, a 3-byte NAL length
        assertThrows(CodecException.class, () -> AvcConfig.parse(Hex.buf("01 42c01f ff e1 0010 6742")));
        assertThrows(CodecException.class, () -> AvcConfig.parse(Hex.buf("01 42c01f ff ff 0001 67")));
        assertThrows(CodecException.class, () -> AvcConfig.parse(Hex.buf("01 42c01f fe e0 00")));
        assertThrows(CodecException.class, () -> AvcConfig.parse(Hex.buf("01 42c01f ff e1 0001 67")));
        assertThrows(CodecException.class, () -> AvcConfig.build(List.of(), List.of()));
    }
}
