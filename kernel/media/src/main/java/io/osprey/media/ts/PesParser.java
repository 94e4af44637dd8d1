package io.osprey.media.ts;

import java.util.Arrays;

/** Parses a reassembled PES packet header with its PTS/DTS marker bits checked (ISO 13818-1 2.4.3.6, 2.4.3.7). */
final class PesParser {
    private PesParser() {
    }

    static TsReader.Pes parse(int pid, byte[] b, boolean randomAccess, long pcr) throws TsFormatException {
        // packet_start_code_prefix 24, stream_id 8, PES_packet_length 16, '10' ..., PTS_DTS_flags 2, ...,
        // PES_header_data_length 8
        if (b.length < 9 || b[0] != 0 || b[1] != 0 || b[2] != 1) {
            throw new TsFormatException("PID " + pid + ": no PES start code");
        }
        int streamId = b[3] & 0xFF;
        int packetLength = (b[4] & 0xFF) << 8 | b[5] & 0xFF;
        if ((b[6] & 0xC0) != 0x80) {
            throw new TsFormatException("PID " + pid + ": PES header does not start with '10'");
        }
        int flags = (b[7] & 0xFF) >> 6;
        int headerLength = b[8] & 0xFF;
        if (flags == 1 || 9 + headerLength > b.length || flags == 2 && headerLength < 5
                || flags == 3 && headerLength < 10) {
            throw new TsFormatException("PID " + pid + ": bad PES header");
        }
        long pts = flags >= 2 ? timestamp(b, 9, flags == 3 ? 3 : 2, pid) : -1;
        long dts = flags == 3 ? timestamp(b, 14, 1, pid) : pts;
        int end = b.length;
        if (packetLength != 0) {
            end = 6 + packetLength;
            if (end > b.length) {
                throw new TsFormatException("PID " + pid + ": PES_packet_length " + packetLength + " past the data");
            }
            for (int i = end; i < b.length; i++) {
                if (b[i] != (byte) 0xFF) {
                    throw new TsFormatException("PID " + pid + ": bytes after a bounded PES packet");
                }
            }
        }
        return new TsReader.Pes(pid, streamId, pts, dts, randomAccess, pcr, Arrays.copyOfRange(b, 9 + headerLength,
                end));
    }

    private static long timestamp(byte[] b, int off, int prefix, int pid) throws TsFormatException {
        if ((b[off] & 0xFF) >> 4 != prefix || (b[off] & 1) == 0 || (b[off + 2] & 1) == 0 || (b[off + 4] & 1) == 0) {
            throw new TsFormatException("PID " + pid + ": bad PTS/DTS prefix or marker bits");
        }
        return (b[off] & 0x0EL) << 29 | (b[off + 1] & 0xFF) << 22 | (b[off + 2] & 0xFE) << 14
                | (b[off + 3] & 0xFF) << 7 | (b[off + 4] & 0xFF) >> 1;
    }
}
