package io.osprey.media.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

/**
 * hvcC and SPS parsing with x265 parameter sets published in the libheif Java bindings' README (a HEIF with
 * 1280x854 and 320x212 images, sizes from its {@code ispe} boxes), framed into a record field by field.
 */
class HevcConfigTest {
    static final String VPS = "40010c01ffff016000000300900000030000030078998a0240";
    static final String SPS_1280x854 = "420101016000000300900000030000030078a00280803"
            + "59f596662a49126bffc1ab01aac0400000300040000030064 20".replace(" ", "");
    static final String SPS_320x212 = "42010101600000030090000003000003003ca00a080d9f796662a49126bffc1a801aac040000030004000003006420";
    static final String PPS = "4401c172b66240";

    static String hvcc(String sps) {
        return """
                01              // configurationVersion
                01              // general_profile_space 0, general_tier_flag 0, general_profile_idc 1 (Main)
                60000000        // general_profile_compatibility_flags: flags 1 and 2
                900000000000    // general_constraint_indicator_flags: progressive_source, frame_only
                78              // general_level_idc 120 (level 4)
                f000            // reserved 1111, min_spatial_segmentation_idc 0
                fc              // reserved 111111, parallelismType 0
                fd              // reserved 111111, chromaFormat 1
                f8 f8           // bitDepthLumaMinus8 0, bitDepthChromaMinus8 0
                0000            // avgFrameRate
                0f              // constantFrameRate 0, numTemporalLayers 1, temporalIdNested 1, lengthSizeMinusOne 3
                03              // numOfArrays
                20 0001 0019    // array_completeness 0, NAL_unit_type 32 (VPS), numNalus 1, nalUnitLength 25
                """ + VPS + "\n21 0001 " + String.format("%04x", sps.length() / 2) + sps + "\n22 0001 0007" + PPS;
    }

    @Test
    void parsesX265Record() throws Exception {
        HevcConfig c = HevcConfig.parse(Hex.buf(hvcc(SPS_1280x854)));
        assertEquals(1, c.profileTierLevel().profileIdc());
        assertFalse(c.profileTierLevel().highTier());
        assertEquals(120, c.profileTierLevel().levelIdc());
        assertEquals(4, c.nalLengthSize());
        assertEquals(1, c.chromaFormat());
        assertEquals(VPS, Hex.of(c.vps().get(0)));
        assertEquals(PPS, Hex.of(c.pps().get(0)));
        assertEquals("hvc1.1.6.L120.90", c.codecString());
    }

    @Test
    void spsSizeAfterConformanceWindow() throws Exception {
        H265Sps s = H265Sps.parse(Hex.buf(SPS_1280x854));
        assertEquals(1280, s.width());
        assertEquals(854, s.height());
        assertEquals(8, s.bitDepthLuma());
        assertEquals("hvc1.1.6.L120.90", s.codecString());
        H265Sps small = H265Sps.parse(Hex.buf(SPS_320x212));
        assertEquals(320, small.width());
        assertEquals(212, small.height());
        assertEquals(60, small.profileTierLevel().levelIdc());
    }

    @Test
    void codecStringForms() {
        // ISO 14496-15 E.3 examples: Main@L3.1 progressive; Main 10 high tier level 5.1 in profile space 1
        assertEquals("hvc1.1.6.L93.B0", new HevcProfileTierLevel(0, false, 1, 0x60000000, 0xB00000000000L, 93)
                .codecString("hvc1"));
        assertEquals("hev1.A2.4.H153", new HevcProfileTierLevel(1, true, 2, 0x20000000, 0, 153)
                .codecString("hev1"));
        assertEquals("hvc1.1.6.L93.B0.0.0.0.0.1", new HevcProfileTierLevel(0, false, 1, 0x60000000, 0xB00000000001L, 93)
                .codecString("hvc1"));
    }

    @Test
    void hostileRecords() {
        assertThrows(CodecException.class, () -> HevcConfig.parse(Hex.buf("01")));
        String good = hvcc(SPS_1280x854).replaceAll("//.*", "").replaceAll("\\s+", "");
        // truncated inside the SPS array, an array count beyond the data, wrong version
        assertThrows(CodecException.class, () -> HevcConfig.parse(Hex.buf(good.substring(0, good.length() - 40))));
        assertThrows(CodecException.class, () -> HevcConfig.parse(ByteBuffer.wrap(Hex.bytes(good.substring(0, 44) + "ff"))));
        assertThrows(CodecException.class, () -> HevcConfig.parse(Hex.buf("00" + good.substring(2))));
        assertThrows(CodecException.class, () -> H265Sps.parse(Hex.buf(SPS_1280x854.substring(0, 40))));
        assertThrows(CodecException.class, () -> H265Sps.parse(Hex.buf(VPS)));
    }
}
