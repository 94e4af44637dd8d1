package io.osprey.media.codec;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * NAL unit helpers for H.264 (ISO 14496-10 7.3.1) and H.265 (ISO 23008-2 7.3.1): RBSP unescaping, length-prefixed
 * (ISO 14496-15 "AVCC") splitting and conversion to the Annex B byte stream.
 */
public final class NalUnits {
    /** H.264 nal_unit_type values (ISO 14496-10 Table 7-1). */
    public static final int H264_NON_IDR = 1, H264_IDR = 5, H264_SEI = 6, H264_SPS = 7, H264_PPS = 8, H264_AUD = 9;
    /** H.265 nal_unit_type values (ISO 23008-2 Table 7-1). */
    public static final int H265_BLA_W_LP = 16, H265_IDR_W_RADL = 19, H265_IDR_N_LP = 20, H265_CRA = 21,
            H265_VPS = 32, H265_SPS = 33, H265_PPS = 34, H265_AUD = 35, H265_PREFIX_SEI = 39;

    private static final byte[] START_CODE = {0, 0, 0, 1};

    private NalUnits() {
    }

    /** H.264 nal_unit_header: forbidden_zero_bit 1, nal_ref_idc 2, nal_unit_type 5. */
    public static int h264Type(byte header) {
        return header & 0x1F;
    }

    /** H.265 nal_unit_header: forbidden_zero_bit 1, nal_unit_type 6, nuh_layer_id 6, nuh_temporal_id_plus1 3. */
    public static int h265Type(byte firstHeaderByte) {
        return (firstHeaderByte >> 1) & 0x3F;
    }

    /** H.265 IRAP pictures (BLA, IDR, CRA and reserved IRAP types 16..23) where decoding can start. */
    public static boolean isH265Irap(int type) {
        return type >= H265_BLA_W_LP && type <= 23;
    }

    /** Whether {@code type} is a video coding layer NAL of H.264 (1..5) or H.265 (0..31). */
    public static boolean isVcl(int type, boolean hevc) {
        return hevc ? type >= 0 && type <= 31 : type >= 1 && type <= 5;
    }

    /**
     * ISO 14496-10 7.4.1: removes each emulation_prevention_three_byte (the 0x03 in 0x000003) from the remaining
     * bytes of {@code nal}, which is not consumed.
     */
    public static byte[] unescapeRbsp(ByteBuffer nal) {
        int pos = nal.position();
        int end = nal.limit();
        byte[] out = new byte[end - pos];
        int n = 0;
        int zeros = 0;
        for (int i = pos; i < end; i++) {
            byte b = nal.get(i);
            if (zeros >= 2 && b == 3) {
                zeros = 0;
                continue;
            }
            zeros = b == 0 ? zeros + 1 : 0;
            out[n++] = b;
        }
        return n == out.length ? out : java.util.Arrays.copyOf(out, n);
    }

    /**
     * Splits length-prefixed NAL units (each preceded by a big-endian length of {@code lengthSize} bytes, 1..4)
     * into read-only slices of {@code avcc}, which is not consumed. Zero-length units are skipped.
     */
    public static List<ByteBuffer> splitLengthPrefixed(ByteBuffer avcc, int lengthSize) throws CodecException {
        checkLengthSize(lengthSize);
        List<ByteBuffer> units = new ArrayList<>();
        int pos = avcc.position();
        int end = avcc.limit();
        while (pos < end) {
            long len = readLength(avcc, pos, end, lengthSize);
            pos += lengthSize;
            if (len == 0) {
                continue;
            }
            ByteBuffer unit = avcc.duplicate();
            unit.position(pos).limit(pos + (int) len);
            units.add(unit.slice().asReadOnlyBuffer());
            pos += (int) len;
        }
        return units;
    }

    /** The number of bytes {@link #toAnnexB} writes for {@code avcc}: 4-byte start codes replace the lengths. */
    public static int annexBSize(ByteBuffer avcc, int lengthSize) throws CodecException {
        checkLengthSize(lengthSize);
        int pos = avcc.position();
        int end = avcc.limit();
        long size = 0;
        while (pos < end) {
            long len = readLength(avcc, pos, end, lengthSize);
            pos += lengthSize + (int) len;
            size += len == 0 ? 0 : 4 + len;
        }
        if (size > Integer.MAX_VALUE) {
            throw new CodecException("annex B size overflows");
        }
        return (int) size;
    }

    /**
     * Rewrites length-prefixed NAL units as an ISO 14496-10 Annex B byte stream (each unit after a 4-byte start
     * code 0x00000001) into {@code out}. The input is validated first, so nothing is written on error.
     */
    public static void toAnnexB(ByteBuffer avcc, int lengthSize, ByteBuffer out) throws CodecException {
        int need = annexBSize(avcc, lengthSize);
        if (out.remaining() < need) {
            throw new java.nio.BufferOverflowException();
        }
        int pos = avcc.position();
        int end = avcc.limit();
        while (pos < end) {
            int len = (int) readLength(avcc, pos, end, lengthSize);
            pos += lengthSize;
            if (len == 0) {
                continue;
            }
            out.put(START_CODE);
            out.put(out.position(), avcc, pos, len); // Java 16+ absolute bulk put
            out.position(out.position() + len);
            pos += len;
        }
    }

    /** Appends {@code nal} (not consumed) after a 4-byte start code. */
    public static void putAnnexB(ByteBuffer nal, ByteBuffer out) {
        out.put(START_CODE);
        out.put(nal.duplicate());
    }

    private static long readLength(ByteBuffer buf, int pos, int end, int lengthSize) throws CodecException {
        if (end - pos < lengthSize) {
            throw new CodecException("NAL length prefix truncated at " + pos);
        }
        long len = 0;
        for (int i = 0; i < lengthSize; i++) {
            len = len << 8 | (buf.get(pos + i) & 0xFF);
        }
        if (len > end - pos - lengthSize) {
            throw new CodecException("NAL unit of " + len + " bytes exceeds the " + (end - pos - lengthSize)
                    + " bytes left");
        }
        return len;
    }

    private static void checkLengthSize(int lengthSize) throws CodecException {
        if (lengthSize < 1 || lengthSize > 4) {
            throw new CodecException("NAL length size " + lengthSize + " not in 1..4");
        }
    }
}
