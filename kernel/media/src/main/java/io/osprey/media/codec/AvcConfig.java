package io.osprey.media.codec;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * An AVCDecoderConfigurationRecord (ISO 14496-15 5.3.3.1), the {@code avcC} box body and the H.264 config on the
 * bus.
 *
 * @param profile       AVCProfileIndication (profile_idc of the SPS)
 * @param compatibility profile_compatibility (the SPS constraint flags byte)
 * @param level         AVCLevelIndication
 * @param nalLengthSize lengthSizeMinusOne + 1: the size of the length prefix before each NAL unit
 * @param sps           the sequence parameter set NAL units, read-only
 * @param pps           the picture parameter set NAL units, read-only
 */
public record AvcConfig(int profile, int compatibility, int level, int nalLengthSize, List<ByteBuffer> sps,
                        List<ByteBuffer> pps) {

    public AvcConfig {
        sps = List.copyOf(sps);
        pps = List.copyOf(pps);
    }

    /** Parses the record from the remaining bytes of {@code avcC}, which is not consumed. */
    public static AvcConfig parse(ByteBuffer avcC) throws CodecException {
        ByteBuffer b = avcC.duplicate();
        // configurationVersion u(8) = 1, AVCProfileIndication u(8), profile_compatibility u(8),
        // AVCLevelIndication u(8), reserved '111111'b + lengthSizeMinusOne u(2),
        // reserved '111'b + numOfSequenceParameterSets u(5)
        if (b.remaining() < 6) {
            throw new CodecException("avcC too short: " + b.remaining() + " bytes");
        }
        int version = b.get() & 0xFF;
        if (version != 1) {
            throw new CodecException("avcC configurationVersion " + version);
        }
        int profile = b.get() & 0xFF;
        int compatibility = b.get() & 0xFF;
        int level = b.get() & 0xFF;
        int lengthSize = (b.get() & 0x03) + 1;
        if (lengthSize == 3) {
            throw new CodecException("avcC lengthSizeMinusOne 2 is not allowed");
        }
        int numSps = b.get() & 0x1F;
        List<ByteBuffer> sps = readUnits(b, numSps, "SPS");
        // numOfPictureParameterSets u(8), then pictureParameterSetLength u(16) + NAL for each
        if (!b.hasRemaining()) {
            throw new CodecException("avcC truncated before numOfPictureParameterSets");
        }
        int numPps = b.get() & 0xFF;
        List<ByteBuffer> pps = readUnits(b, numPps, "PPS");
        // The high-profile extension (chroma_format, bit depths, SPS ext) may follow; it is derivable from the SPS.
        return new AvcConfig(profile, compatibility, level, lengthSize, sps, pps);
    }

    /**
     * Builds an avcC with a 4-byte NAL length from parameter sets (not consumed). Profile, compatibility and level
     * come from the first SPS; for the high profiles the chroma/bit-depth extension of 5.3.3.1 is appended.
     */
    public static ByteBuffer build(List<ByteBuffer> sps, List<ByteBuffer> pps) throws CodecException {
        if (sps.isEmpty() || sps.size() > 31 || pps.size() > 255) {
            throw new CodecException("avcC needs 1..31 SPS and at most 255 PPS");
        }
        H264Sps first = H264Sps.parse(sps.get(0));
        boolean ext = H264Sps.hasChromaInfo(first.profileIdc());
        int size = 7 + (ext ? 4 : 0);
        for (ByteBuffer u : sps) {
            size += 2 + checkUnitSize(u);
        }
        for (ByteBuffer u : pps) {
            size += 2 + checkUnitSize(u);
        }
        ByteBuffer out = ByteBuffer.allocate(size);
        out.put((byte) 1).put((byte) first.profileIdc()).put((byte) first.constraintFlags())
                .put((byte) first.levelIdc());
        out.put((byte) (0xFC | 3)); // reserved '111111'b, lengthSizeMinusOne = 3
        out.put((byte) (0xE0 | sps.size())); // reserved '111'b, numOfSequenceParameterSets
        for (ByteBuffer u : sps) {
            out.putShort((short) u.remaining()).put(u.duplicate());
        }
        out.put((byte) pps.size());
        for (ByteBuffer u : pps) {
            out.putShort((short) u.remaining()).put(u.duplicate());
        }
        if (ext) {
            // reserved '111111'b chroma_format u(2); reserved '11111'b bit_depth_luma_minus8 u(3);
            // reserved '11111'b bit_depth_chroma_minus8 u(3); numOfSequenceParameterSetExt u(8) = 0
            out.put((byte) (0xFC | first.chromaFormatIdc()));
            out.put((byte) (0xF8 | (first.bitDepthLuma() - 8)));
            out.put((byte) (0xF8 | (first.bitDepthChroma() - 8)));
            out.put((byte) 0);
        }
        return out.flip().asReadOnlyBuffer();
    }

    /** The first SPS parsed, for size, frame rate and the HLS CODECS string. */
    public H264Sps firstSps() throws CodecException {
        if (sps.isEmpty()) {
            throw new CodecException("avcC has no SPS");
        }
        return H264Sps.parse(sps.get(0));
    }

    /** {@code avc1.PPCCLL} from the record's own indications. */
    public String codecString() {
        return String.format("avc1.%02x%02x%02x", profile, compatibility, level);
    }

    static List<ByteBuffer> readUnits(ByteBuffer b, int count, String what) throws CodecException {
        List<ByteBuffer> units = new ArrayList<>(Math.min(count, 8));
        for (int i = 0; i < count; i++) {
            if (b.remaining() < 2) {
                throw new CodecException(what + " length truncated");
            }
            int len = b.getShort() & 0xFFFF;
            if (len == 0 || len > b.remaining()) {
                throw new CodecException(what + " of " + len + " bytes with " + b.remaining() + " left");
            }
            ByteBuffer unit = b.slice(b.position(), len).asReadOnlyBuffer();
            b.position(b.position() + len);
            units.add(unit);
        }
        return units;
    }

    private static int checkUnitSize(ByteBuffer u) throws CodecException {
        if (u.remaining() == 0 || u.remaining() > 0xFFFF) {
            throw new CodecException("parameter set of " + u.remaining() + " bytes");
        }
        return u.remaining();
    }
}
