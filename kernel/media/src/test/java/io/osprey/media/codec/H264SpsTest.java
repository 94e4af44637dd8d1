package io.osprey.media.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

/**
 * SPS parsing against real encoder output (bytedeco FFmpeg 8.0.1 with libopenh264, sizes confirmed by its ffprobe)
 * and hand-built streams for the branches openh264 never takes (VUI timing, scaling lists, interlace).
 */
class H264SpsTest {
    // ffmpeg -f lavfi -i testsrc=size=640x360:rate=25 -c:v libopenh264 -f h264: Constrained Baseline, level 3.0
    static final String SPS_640x360 = "67 42c01e 8c680a02ff970101e1108d40";
    // testsrc=size=1920x1080: Constrained Baseline, level 4.0, 1088 coded lines cropped to 1080
    static final String SPS_1920x1080 = "67 42c028 8c680780227e5c0407844235";
    // testsrc=size=1280x720 -profile:v high: High, constraint_set4/5 flags (0x0c), level 3.1
    static final String SPS_1280x720_HIGH = "67 640c1f ac18d00a00b760203c2211a8";
    // testsrc=size=320x240 -profile:v main: Main, level 2.0
    static final String SPS_320x240_MAIN = "67 4d4c14 8c68141f30101e1108d4";

    @Test
    void realOpenH264Sps() throws Exception {
        H264Sps s = H264Sps.parse(Hex.buf(SPS_640x360));
        assertEquals(66, s.profileIdc());
        assertEquals(30, s.levelIdc());
        assertEquals(640, s.width());
        assertEquals(360, s.height());
        assertEquals("avc1.42c01e", s.codecString());
        assertEquals(0, s.frameRate());

        H264Sps hd = H264Sps.parse(Hex.buf(SPS_1920x1080));
        assertEquals(1920, hd.width());
        assertEquals(1080, hd.height());
        assertEquals("avc1.42c028", hd.codecString());

        H264Sps high = H264Sps.parse(Hex.buf(SPS_1280x720_HIGH));
        assertEquals(100, high.profileIdc());
        assertEquals(1, high.chromaFormatIdc());
        assertEquals(8, high.bitDepthLuma());
        assertEquals(1280, high.width());
        assertEquals(720, high.height());
        assertEquals("avc1.640c1f", high.codecString());

        H264Sps main = H264Sps.parse(Hex.buf(SPS_320x240_MAIN));
        assertEquals(77, main.profileIdc());
        assertEquals(320, main.width());
        assertEquals(240, main.height());
    }

    /** High profile 1080p with a scaling list, VUI with Extended_SAR-free aspect, colour description and timing. */
    static byte[] handBuiltHigh1080p() {
        BitWriterForTests w = new BitWriterForTests();
        w.bits(0x67, 8).bits(100, 8).bits(0, 8).bits(40, 8).ue(0); // header, profile_idc, flags, level_idc, sps_id
        w.ue(1).ue(0).ue(0).flag(false); // chroma_format_idc 4:2:0, bit depths 8, qpprime bypass
        w.flag(true); // seq_scaling_matrix_present_flag
        w.flag(true); // list 0 present: 16 delta_scale, the second ends the list (nextScale 0)
        w.se(8).se(-16);
        for (int i = 1; i < 8; i++) {
            w.flag(false);
        }
        w.ue(0).ue(0).ue(2); // log2_max_frame_num_minus4, pic_order_cnt_type 0, log2_max_poc_lsb_minus4
        w.ue(4).flag(false); // max_num_ref_frames, gaps
        w.ue(119).ue(67).flag(true).flag(true); // 120 x 68 MBs, frame_mbs_only, direct_8x8
        w.flag(true).ue(0).ue(0).ue(0).ue(4); // crop bottom 4 x CropUnitY 2 = 8 lines
        w.flag(true); // vui_parameters_present_flag
        w.flag(true).bits(1, 8); // aspect_ratio_idc 1 (square)
        w.flag(false); // overscan
        w.flag(true).bits(5, 3).flag(false).flag(true).bits(1, 8).bits(1, 8).bits(1, 8); // BT.709
        w.flag(false); // chroma_loc
        w.flag(true).bits(1001, 32).bits(60000, 32).flag(true); // timing: 60000 / (2 x 1001)
        w.flag(false).flag(false).flag(false).flag(false); // no HRD, pic_struct, bitstream_restriction
        return w.trailing();
    }

    @Test
    void vuiTimingScalingListAndCropping() throws Exception {
        H264Sps s = H264Sps.parse(ByteBuffer.wrap(handBuiltHigh1080p()));
        assertEquals(1920, s.width());
        assertEquals(1080, s.height());
        assertEquals(29.97, s.frameRate(), 0.001);
        assertEquals("avc1.640028", s.codecString());
    }

    @Test
    void interlacedCropUnitsCountFieldPairs() throws Exception {
        BitWriterForTests w = new BitWriterForTests();
        w.bits(0x67, 8).bits(77, 8).bits(0x40, 8).bits(40, 8).ue(0);
        w.ue(0).ue(2).ue(4).flag(false); // frame_num, poc type 2, refs, gaps
        w.ue(119).ue(33).flag(false).flag(true).flag(true); // 34 map units, field coding, mbaff, direct_8x8
        w.flag(true).ue(0).ue(0).ue(0).ue(2); // CropUnitY = 2 x 2: 1088 - 8 = 1080
        w.flag(false);
        H264Sps s = H264Sps.parse(ByteBuffer.wrap(w.trailing()));
        assertFalse(s.frameMbsOnly());
        assertEquals(1920, s.width());
        assertEquals(1080, s.height());
    }

    @Test
    void hostileSpsAreCodecExceptions() {
        // truncated, wrong NAL type, crop larger than the picture, absurd widths, unknown poc type
        assertThrows(CodecException.class, () -> H264Sps.parse(Hex.buf("67 42c0")));
        assertThrows(CodecException.class, () -> H264Sps.parse(Hex.buf("68 42c01e 8c680a02ff970101e1108d40")));
        assertThrows(CodecException.class, () -> H264Sps.parse(Hex.buf("67 42c01e 8c68")));
        BitWriterForTests crop = new BitWriterForTests();
        crop.bits(0x67, 8).bits(66, 8).bits(0, 8).bits(30, 8).ue(0).ue(0).ue(2).ue(1).flag(false);
        crop.ue(0).ue(0).flag(true).flag(true).flag(true).ue(100).ue(0).ue(0).ue(0).flag(false);
        assertThrows(CodecException.class, () -> H264Sps.parse(ByteBuffer.wrap(crop.trailing())));
        BitWriterForTests wide = new BitWriterForTests();
        wide.bits(0x67, 8).bits(66, 8).bits(0, 8).bits(30, 8).ue(0).ue(0).ue(2).ue(1).flag(false);
        wide.ue(Integer.MAX_VALUE - 1).ue(0).flag(true).flag(true).flag(false).flag(false);
        assertThrows(CodecException.class, () -> H264Sps.parse(ByteBuffer.wrap(wide.trailing())));
        BitWriterForTests poc = new BitWriterForTests();
        poc.bits(0x67, 8).bits(66, 8).bits(0, 8).bits(30, 8).ue(0).ue(0).ue(3);
        assertThrows(CodecException.class, () -> H264Sps.parse(ByteBuffer.wrap(poc.trailing())));
    }
}
