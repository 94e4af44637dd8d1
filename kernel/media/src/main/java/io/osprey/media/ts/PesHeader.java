package io.osprey.media.ts;

/** Writes a PES packet header with PTS and optional DTS (ISO 13818-1 2.4.3.6, 2.4.3.7). */
final class PesHeader {
    /** Largest header this class writes: 9 fixed bytes + PTS 5 + DTS 5. */
    static final int MAX_SIZE = 19;
    /** 33-bit timestamps in 90 kHz units wrap at 2^33 (2.4.3.7). */
    static final long TIMESTAMP_MASK = (1L << 33) - 1;

    private PesHeader() {
    }

    /**
     * packet_start_code_prefix 24 = 0x000001, stream_id 8, PES_packet_length 16 (0 = unbounded, video only);
     * '10' 2, PES_scrambling_control 2 = 0, PES_priority 1 = 0, data_alignment_indicator 1 = 1, copyright 1 = 0,
     * original_or_copy 1 = 0; PTS_DTS_flags 2, ESCR_flag .. PES_extension_flag 6 = 0; PES_header_data_length 8;
     * then PTS (and DTS). Returns the header length.
     */
    static int write(byte[] b, int off, int streamId, int esLength, long pts90, long dts90, boolean withDts) {
        int dataLength = withDts ? 10 : 5;
        long packetLength = 3L + dataLength + esLength;
        b[off] = 0;
        b[off + 1] = 0;
        b[off + 2] = 1;
        b[off + 3] = (byte) streamId;
        boolean bounded = streamId != 0xE0 && packetLength <= 0xFFFF;
        b[off + 4] = (byte) (bounded ? packetLength >> 8 : 0);
        b[off + 5] = (byte) (bounded ? packetLength : 0);
        b[off + 6] = (byte) 0x84;
        b[off + 7] = (byte) (withDts ? 0xC0 : 0x80);
        b[off + 8] = (byte) dataLength;
        timestamp(b, off + 9, withDts ? 0x3 : 0x2, pts90);
        if (withDts) {
            timestamp(b, off + 14, 0x1, dts90);
        }
        return 9 + dataLength;
    }

    /** '0010'/'0011'/'0001' 4, TS[32..30] 3, marker 1, TS[29..15] 15, marker 1, TS[14..0] 15, marker 1. */
    static void timestamp(byte[] b, int off, int prefix, long ts) {
        ts &= TIMESTAMP_MASK;
        b[off] = (byte) (prefix << 4 | (int) (ts >>> 29) & 0x0E | 1);
        b[off + 1] = (byte) (ts >>> 22);
        b[off + 2] = (byte) ((ts >>> 14) & 0xFE | 1);
        b[off + 3] = (byte) (ts >>> 7);
        b[off + 4] = (byte) (ts << 1 | 1);
    }
}
