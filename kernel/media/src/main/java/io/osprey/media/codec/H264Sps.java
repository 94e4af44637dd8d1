package io.osprey.media.codec;

import java.nio.ByteBuffer;

/**
 * The fields of an H.264 sequence parameter set (ISO 14496-10 7.3.2.1.1) a packager needs: profile, level, the
 * displayed size after frame cropping, and the frame rate from the VUI timing info (E.1.1), 0 if absent.
 *
 * @param profileIdc       profile_idc (66 baseline, 77 main, 100 high, ...)
 * @param constraintFlags  the byte of constraint_set0..5_flag and reserved_zero_2bits
 * @param levelIdc         level_idc (31 = level 3.1)
 * @param chromaFormatIdc  chroma_format_idc (1 = 4:2:0)
 * @param bitDepthLuma     8 + bit_depth_luma_minus8
 * @param bitDepthChroma   8 + bit_depth_chroma_minus8
 * @param width            luma width in pixels after cropping
 * @param height           luma height in pixels after cropping
 * @param frameMbsOnly     frame_mbs_only_flag (false for interlaced coding)
 * @param frameRate        time_scale / (2 * num_units_in_tick) from the VUI, 0 if not signalled
 */
public record H264Sps(int profileIdc, int constraintFlags, int levelIdc, int chromaFormatIdc, int bitDepthLuma,
                      int bitDepthChroma, int width, int height, boolean frameMbsOnly, double frameRate) {

    /** Largest accepted picture side in pixels; H.264 level 6.2 allows 8192 x 4320 (Table A-1). */
    static final int MAX_DIMENSION = 16384;

    /** Parses an SPS NAL unit (starting at its one-byte NAL header), which is not consumed. */
    public static H264Sps parse(ByteBuffer spsNal) throws CodecException {
        byte[] rbsp = NalUnits.unescapeRbsp(spsNal);
        if (rbsp.length < 4) {
            throw new CodecException("SPS too short: " + rbsp.length + " bytes");
        }
        if (NalUnits.h264Type(rbsp[0]) != NalUnits.H264_SPS) {
            throw new CodecException("not an SPS NAL unit: type " + NalUnits.h264Type(rbsp[0]));
        }
        BitReader r = new BitReader(rbsp, 1, rbsp.length - 1);
        // 7.3.2.1.1 seq_parameter_set_data: profile_idc u(8), constraint_set0..5_flag + reserved_zero_2bits u(8),
        // level_idc u(8), seq_parameter_set_id ue(v)
        int profile = r.readBits(8);
        int constraints = r.readBits(8);
        int level = r.readBits(8);
        r.readUe();
        int chromaFormat = 1;
        boolean separateColourPlanes = false;
        int bitDepthLuma = 8;
        int bitDepthChroma = 8;
        if (hasChromaInfo(profile)) {
            // chroma_format_idc ue(v), [separate_colour_plane_flag u(1)], bit_depth_luma_minus8 ue(v),
            // bit_depth_chroma_minus8 ue(v), qpprime_y_zero_transform_bypass_flag u(1), seq_scaling_matrix_present_flag u(1)
            chromaFormat = r.readUe();
            if (chromaFormat > 3) {
                throw new CodecException("chroma_format_idc " + chromaFormat);
            }
            if (chromaFormat == 3) {
                separateColourPlanes = r.readFlag();
            }
            bitDepthLuma = 8 + checkRange(r.readUe(), 6, "bit_depth_luma_minus8");
            bitDepthChroma = 8 + checkRange(r.readUe(), 6, "bit_depth_chroma_minus8");
            r.skipBits(1);
            if (r.readFlag()) {
                int lists = chromaFormat != 3 ? 8 : 12;
                for (int i = 0; i < lists; i++) {
                    if (r.readFlag()) { // seq_scaling_list_present_flag[i]
                        skipScalingList(r, i < 6 ? 16 : 64);
                    }
                }
            }
        }
        // log2_max_frame_num_minus4 ue(v), pic_order_cnt_type ue(v)
        checkRange(r.readUe(), 12, "log2_max_frame_num_minus4");
        int pocType = r.readUe();
        if (pocType == 0) {
            checkRange(r.readUe(), 12, "log2_max_pic_order_cnt_lsb_minus4");
        } else if (pocType == 1) {
            // delta_pic_order_always_zero_flag u(1), offset_for_non_ref_pic se(v), offset_for_top_to_bottom_field
            // se(v), num_ref_frames_in_pic_order_cnt_cycle ue(v), offset_for_ref_frame[i] se(v)
            r.skipBits(1);
            r.readSe();
            r.readSe();
            int cycle = checkRange(r.readUe(), 255, "num_ref_frames_in_pic_order_cnt_cycle");
            for (int i = 0; i < cycle; i++) {
                r.readSe();
            }
        } else if (pocType != 2) {
            throw new CodecException("pic_order_cnt_type " + pocType);
        }
        // max_num_ref_frames ue(v), gaps_in_frame_num_value_allowed_flag u(1), pic_width_in_mbs_minus1 ue(v),
        // pic_height_in_map_units_minus1 ue(v), frame_mbs_only_flag u(1)
        r.readUe();
        r.skipBits(1);
        long widthMbs = r.readUe() + 1L;
        long heightMapUnits = r.readUe() + 1L;
        boolean frameMbsOnly = r.readFlag();
        if (!frameMbsOnly) {
            r.skipBits(1); // mb_adaptive_frame_field_flag
        }
        r.skipBits(1); // direct_8x8_inference_flag
        long cropLeft = 0, cropRight = 0, cropTop = 0, cropBottom = 0;
        if (r.readFlag()) { // frame_cropping_flag, then frame_crop_{left,right,top,bottom}_offset ue(v)
            cropLeft = r.readUe();
            cropRight = r.readUe();
            cropTop = r.readUe();
            cropBottom = r.readUe();
        }
        // 7.4.2.1.1: ChromaArrayType, CropUnitX/Y from SubWidthC/SubHeightC (Table 6-1)
        int chromaArrayType = separateColourPlanes ? 0 : chromaFormat;
        int subWidthC = chromaArrayType == 3 ? 1 : 2;
        int subHeightC = chromaArrayType == 1 ? 2 : 1;
        long cropUnitX = chromaArrayType == 0 ? 1 : subWidthC;
        long cropUnitY = (chromaArrayType == 0 ? 1 : subHeightC) * (frameMbsOnly ? 1L : 2L);
        long width = widthMbs * 16 - cropUnitX * (cropLeft + cropRight);
        long height = (frameMbsOnly ? 1 : 2) * heightMapUnits * 16 - cropUnitY * (cropTop + cropBottom);
        if (width <= 0 || height <= 0 || width > MAX_DIMENSION || height > MAX_DIMENSION) {
            throw new CodecException("SPS picture size out of range: " + width + "x" + height);
        }
        double frameRate = 0;
        if (r.readFlag()) { // vui_parameters_present_flag
            frameRate = vuiFrameRate(r);
        }
        return new H264Sps(profile, constraints, level, chromaFormat, bitDepthLuma, bitDepthChroma, (int) width,
                (int) height, frameMbsOnly, frameRate);
    }

    /** RFC 6381 3.3 / ISO 14496-15 Annex E: {@code avc1.PPCCLL} with profile, constraint byte and level in hex. */
    public String codecString() {
        return String.format("avc1.%02x%02x%02x", profileIdc, constraintFlags, levelIdc);
    }

    /** Profiles whose SPS carries chroma_format_idc and bit depths (7.3.2.1.1). */
    static boolean hasChromaInfo(int profile) {
        return switch (profile) {
            case 100, 110, 122, 244, 44, 83, 86, 118, 128, 138, 139, 134, 135 -> true;
            default -> false;
        };
    }

    /** 7.3.2.1.1.1 scaling_list: delta_scale se(v) while nextScale != 0. */
    private static void skipScalingList(BitReader r, int size) throws CodecException {
        int last = 8;
        int next = 8;
        for (int j = 0; j < size; j++) {
            if (next != 0) {
                int delta = r.readSe();
                next = Math.floorMod(last + delta, 256);
            }
            last = next == 0 ? last : next;
        }
    }

    /** E.1.1 vui_parameters up to timing_info; a VUI truncated before the timing info yields 0 (unknown). */
    private static double vuiFrameRate(BitReader r) {
        try {
            if (r.readFlag()) { // aspect_ratio_info_present_flag: aspect_ratio_idc u(8), Extended_SAR 255: 2 x u(16)
                if (r.readBits(8) == 255) {
                    r.skipBits(32);
                }
            }
            if (r.readFlag()) { // overscan_info_present_flag: overscan_appropriate_flag u(1)
                r.skipBits(1);
            }
            if (r.readFlag()) { // video_signal_type_present_flag: video_format u(3), video_full_range_flag u(1)
                r.skipBits(4);
                if (r.readFlag()) { // colour_description_present_flag: 3 x u(8)
                    r.skipBits(24);
                }
            }
            if (r.readFlag()) { // chroma_loc_info_present_flag: 2 x ue(v)
                r.readUe();
                r.readUe();
            }
            if (r.readFlag()) { // timing_info_present_flag: num_units_in_tick u(32), time_scale u(32)
                long unitsInTick = r.readBitsLong(32);
                long timeScale = r.readBitsLong(32);
                if (unitsInTick > 0 && timeScale > 0) {
                    return timeScale / (2.0 * unitsInTick);
                }
            }
        } catch (CodecException truncated) {
            return 0;
        }
        return 0;
    }

    static int checkRange(int value, int max, String name) throws CodecException {
        if (value > max) {
            throw new CodecException(name + " out of range: " + value);
        }
        return value;
    }
}
