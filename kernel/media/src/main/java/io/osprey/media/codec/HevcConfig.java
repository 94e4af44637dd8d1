package io.osprey.media.codec;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * An HEVCDecoderConfigurationRecord (ISO 14496-15 8.3.3.1), the {@code hvcC} box body and the H.265 config on
 * the bus.
 *
 * @param profileTierLevel general profile space, tier, profile, compatibility and constraint flags, level
 * @param chromaFormat     chromaFormat (chroma_format_idc)
 * @param bitDepthLuma     8 + bitDepthLumaMinus8
 * @param bitDepthChroma   8 + bitDepthChromaMinus8
 * @param nalLengthSize    lengthSizeMinusOne + 1
 * @param vps              the VPS NAL units, read-only
 * @param sps              the SPS NAL units, read-only
 * @param pps              the PPS NAL units, read-only
 */
public record HevcConfig(HevcProfileTierLevel profileTierLevel, int chromaFormat, int bitDepthLuma,
                         int bitDepthChroma, int nalLengthSize, List<ByteBuffer> vps, List<ByteBuffer> sps,
                         List<ByteBuffer> pps) {

    private static final int HEADER_SIZE = 23;

    public HevcConfig {
        vps = List.copyOf(vps);
        sps = List.copyOf(sps);
        pps = List.copyOf(pps);
    }

    /** Parses the record from the remaining bytes of {@code hvcC}, which is not consumed. */
    public static HevcConfig parse(ByteBuffer hvcC) throws CodecException {
        ByteBuffer b = hvcC.duplicate();
        if (b.remaining() < HEADER_SIZE) {
            throw new CodecException("hvcC too short: " + b.remaining() + " bytes");
        }
        int version = b.get() & 0xFF; // configurationVersion u(8) = 1
        if (version != 1) {
            throw new CodecException("hvcC configurationVersion " + version);
        }
        // general_profile_space u(2), general_tier_flag u(1), general_profile_idc u(5),
        // general_profile_compatibility_flags u(32), general_constraint_indicator_flags u(48), general_level_idc u(8)
        int b1 = b.get() & 0xFF;
        int compat = b.getInt();
        long constraints = (b.getInt() & 0xFFFFFFFFL) << 16 | (b.getShort() & 0xFFFF);
        int level = b.get() & 0xFF;
        HevcProfileTierLevel ptl = new HevcProfileTierLevel(b1 >> 6, (b1 & 0x20) != 0, b1 & 0x1F, compat,
                constraints, level);
        // reserved '1111'b + min_spatial_segmentation_idc u(12); reserved '111111'b + parallelismType u(2);
        // reserved '111111'b + chromaFormat u(2); reserved '11111'b + bitDepthLumaMinus8 u(3);
        // reserved '11111'b + bitDepthChromaMinus8 u(3); avgFrameRate u(16);
        // constantFrameRate u(2), numTemporalLayers u(3), temporalIdNested u(1), lengthSizeMinusOne u(2)
        b.getShort();
        b.get();
        int chroma = b.get() & 0x03;
        int depthLuma = 8 + (b.get() & 0x07);
        int depthChroma = 8 + (b.get() & 0x07);
        b.getShort();
        int lengthSize = (b.get() & 0x03) + 1;
        if (lengthSize == 3) {
            throw new CodecException("hvcC lengthSizeMinusOne 2 is not allowed");
        }
        // numOfArrays u(8); each: array_completeness u(1), reserved u(1), NAL_unit_type u(6), numNalus u(16),
        // then nalUnitLength u(16) + nalUnit for each
        int arrays = b.get() & 0xFF;
        List<ByteBuffer> vps = new ArrayList<>(1);
        List<ByteBuffer> sps = new ArrayList<>(1);
        List<ByteBuffer> pps = new ArrayList<>(1);
        for (int i = 0; i < arrays; i++) {
            if (b.remaining() < 3) {
                throw new CodecException("hvcC array header truncated");
            }
            int type = b.get() & 0x3F;
            int count = b.getShort() & 0xFFFF;
            List<ByteBuffer> units = AvcConfig.readUnits(b, count, "hvcC NAL type " + type);
            switch (type) {
                case NalUnits.H265_VPS -> vps.addAll(units);
                case NalUnits.H265_SPS -> sps.addAll(units);
                case NalUnits.H265_PPS -> pps.addAll(units);
                default -> { } // SEI and others are not needed to decode
            }
        }
        return new HevcConfig(ptl, chroma, depthLuma, depthChroma, lengthSize, vps, sps, pps);
    }

    /** The first SPS parsed, for the picture size. */
    public H265Sps firstSps() throws CodecException {
        if (sps.isEmpty()) {
            throw new CodecException("hvcC has no SPS");
        }
        return H265Sps.parse(sps.get(0));
    }

    /** The HLS / MSE codecs string, e.g. {@code hvc1.1.6.L93.B0}. */
    public String codecString() {
        return profileTierLevel.codecString("hvc1");
    }
}
