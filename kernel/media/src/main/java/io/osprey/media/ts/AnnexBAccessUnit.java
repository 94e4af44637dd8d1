package io.osprey.media.ts;

import io.osprey.media.codec.CodecException;
import io.osprey.media.codec.NalUnits;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Rewrites one length-prefixed H.264/H.265 access unit as an Annex B byte stream for MPEG-TS (ISO 13818-1 2.14 and
 * 2.17): an access unit delimiter first (ISO 14496-10 7.3.2.4 / ISO 23008-2 7.3.2.5), then the parameter sets before
 * an IDR/IRAP picture unless the access unit carries its own, then its NAL units. Writes into the caller's
 * {@link TsScratch}.
 */
final class AnnexBAccessUnit {
    /** H.264 AUD: nal_unit_type 9, primary_pic_type 7 (any slice type), rbsp_stop_one_bit. */
    private static final byte[] H264_AUD = {0, 0, 0, 1, 0x09, (byte) 0xF0};
    /** H.265 AUD: nal_unit_type 35, nuh_layer_id 0, nuh_temporal_id_plus1 1, pic_type 2 (I, P, B), stop bit. */
    private static final byte[] H265_AUD = {0, 0, 0, 1, 0x46, 0x01, 0x50};

    /** The array of the last conversion: its {@link TsScratch}'s. */
    private byte[] scratch;
    private int length;

    byte[] array() {
        return scratch;
    }

    int length() {
        return length;
    }

    /**
     * Converts {@code payload} (not consumed). Throws, having written nothing usable, if a NAL length runs past
     * the payload.
     */
    void convert(ByteBuffer payload, int lengthSize, boolean hevc, boolean key, byte[] parameterSets,
                 TsScratch into) throws CodecException {
        // First pass: validate every length and find what the access unit already has.
        int pos = payload.position();
        int end = payload.limit();
        long size = 0;
        boolean irap = false;
        boolean ownParameterSets = false;
        while (pos < end) {
            int len = length(payload, pos, end, lengthSize);
            pos += lengthSize;
            if (len > 0) {
                int type = hevc ? NalUnits.h265Type(payload.get(pos)) : NalUnits.h264Type(payload.get(pos));
                if (type != (hevc ? NalUnits.H265_AUD : NalUnits.H264_AUD)) {
                    size += 4 + len;
                }
                irap |= hevc ? NalUnits.isH265Irap(type) : type == NalUnits.H264_IDR;
                ownParameterSets |= hevc ? type == NalUnits.H265_SPS : type == NalUnits.H264_SPS;
            }
            pos += len;
        }
        byte[] aud = hevc ? H265_AUD : H264_AUD;
        boolean insert = (irap || key) && !ownParameterSets;
        size += aud.length + (insert ? parameterSets.length : 0);
        if (size > Integer.MAX_VALUE - 16) {
            throw new CodecException("access unit too large");
        }
        if (into.accessUnit.length < size) {
            into.accessUnit = new byte[(int) Math.max(size,
                    Math.min((long) into.accessUnit.length * 2, Integer.MAX_VALUE - 16))];
        }
        scratch = into.accessUnit;
        // Second pass: AUD, parameter sets, NAL units after 4-byte start codes.
        int n = 0;
        System.arraycopy(aud, 0, scratch, n, aud.length);
        n += aud.length;
        if (insert) {
            System.arraycopy(parameterSets, 0, scratch, n, parameterSets.length);
            n += parameterSets.length;
        }
        pos = payload.position();
        while (pos < end) {
            int len = length(payload, pos, end, lengthSize);
            pos += lengthSize;
            if (len > 0) {
                int type = hevc ? NalUnits.h265Type(payload.get(pos)) : NalUnits.h264Type(payload.get(pos));
                if (type != (hevc ? NalUnits.H265_AUD : NalUnits.H264_AUD)) {
                    Arrays.fill(scratch, n, n + 3, (byte) 0);
                    scratch[n + 3] = 1;
                    payload.get(pos, scratch, n + 4, len);
                    n += 4 + len;
                }
            }
            pos += len;
        }
        length = n;
    }

    /** The Annex B form of the parameter sets in a config record: each after a 4-byte start code. */
    static byte[] parameterSets(java.util.List<ByteBuffer> units) {
        int size = 0;
        for (ByteBuffer u : units) {
            size += 4 + u.remaining();
        }
        ByteBuffer out = ByteBuffer.allocate(size);
        for (ByteBuffer u : units) {
            NalUnits.putAnnexB(u, out);
        }
        return out.array();
    }

    private static int length(ByteBuffer b, int pos, int end, int lengthSize) throws CodecException {
        if (end - pos < lengthSize) {
            throw new CodecException("NAL length prefix truncated");
        }
        long len = 0;
        for (int i = 0; i < lengthSize; i++) {
            len = len << 8 | (b.get(pos + i) & 0xFF);
        }
        if (len > end - pos - lengthSize) {
            throw new CodecException("NAL unit of " + len + " bytes exceeds the access unit");
        }
        return (int) len;
    }
}
