package io.osprey.media.codec;

import java.nio.ByteBuffer;

/**
 * The leading fields of an H.265 sequence parameter set (ISO 23008-2 7.3.2.2.1): profile/tier/level, chroma
 * format, bit depths and the picture size after the conformance window.
 *
 * @param profileTierLevel the general profile_tier_level
 * @param chromaFormatIdc  chroma_format_idc
 * @param width            pic_width_in_luma_samples minus the horizontal conformance window
 * @param height           pic_height_in_luma_samples minus the vertical conformance window
 * @param bitDepthLuma     8 + bit_depth_luma_minus8
 * @param bitDepthChroma   8 + bit_depth_chroma_minus8
 */
public record H265Sps(HevcProfileTierLevel profileTierLevel, int chromaFormatIdc, int width, int height,
                      int bitDepthLuma, int bitDepthChroma) {

    /** Parses an SPS NAL unit (starting at its two-byte NAL header), which is not consumed. */
    public static H265Sps parse(ByteBuffer spsNal) throws CodecException {
        byte[] rbsp = NalUnits.unescapeRbsp(spsNal);
        if (rbsp.length < 3) {
            throw new CodecException("SPS too short: " + rbsp.length + " bytes");
        }
        if (NalUnits.h265Type(rbsp[0]) != NalUnits.H265_SPS) {
            throw new CodecException("not an SPS NAL unit: type " + NalUnits.h265Type(rbsp[0]));
        }
        BitReader r = new BitReader(rbsp, 2, rbsp.length - 2);
        // sps_video_parameter_set_id u(4), sps_max_sub_layers_minus1 u(3), sps_temporal_id_nesting_flag u(1)
        r.skipBits(4);
        int maxSubLayersMinus1 = r.readBits(3);
        if (maxSubLayersMinus1 > 6) {
            throw new CodecException("sps_max_sub_layers_minus1 " + maxSubLayersMinus1);
        }
        r.skipBits(1);
        HevcProfileTierLevel ptl = HevcProfileTierLevel.read(r, maxSubLayersMinus1);
        // sps_seq_parameter_set_id ue(v), chroma_format_idc ue(v), [separate_colour_plane_flag u(1)],
        // pic_width_in_luma_samples ue(v), pic_height_in_luma_samples ue(v), conformance_window_flag u(1),
        // [conf_win_{left,right,top,bottom}_offset ue(v)], bit_depth_luma_minus8 ue(v), bit_depth_chroma_minus8 ue(v)
        H264Sps.checkRange(r.readUe(), 15, "sps_seq_parameter_set_id");
        int chroma = H264Sps.checkRange(r.readUe(), 3, "chroma_format_idc");
        boolean separateColourPlanes = chroma == 3 && r.readFlag();
        long picWidth = r.readUe();
        long picHeight = r.readUe();
        long left = 0, right = 0, top = 0, bottom = 0;
        if (r.readFlag()) {
            left = r.readUe();
            right = r.readUe();
            top = r.readUe();
            bottom = r.readUe();
        }
        int depthLuma = 8 + H264Sps.checkRange(r.readUe(), 8, "bit_depth_luma_minus8");
        int depthChroma = 8 + H264Sps.checkRange(r.readUe(), 8, "bit_depth_chroma_minus8");
        // 7.4.3.2.1: offsets are in chroma units, SubWidthC / SubHeightC from Table 6-1
        int chromaArrayType = separateColourPlanes ? 0 : chroma;
        int subWidthC = chromaArrayType == 1 || chromaArrayType == 2 ? 2 : 1;
        int subHeightC = chromaArrayType == 1 ? 2 : 1;
        long width = picWidth - subWidthC * (left + right);
        long height = picHeight - subHeightC * (top + bottom);
        if (width <= 0 || height <= 0 || width > H264Sps.MAX_DIMENSION || height > H264Sps.MAX_DIMENSION) {
            throw new CodecException("SPS picture size out of range: " + width + "x" + height);
        }
        return new H265Sps(ptl, chroma, (int) width, (int) height, depthLuma, depthChroma);
    }

    /** The HLS / MSE codecs string for an {@code hvc1} sample entry. */
    public String codecString() {
        return profileTierLevel.codecString("hvc1");
    }
}
