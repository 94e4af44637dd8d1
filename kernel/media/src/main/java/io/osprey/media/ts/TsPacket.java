package io.osprey.media.ts;

/**
 * Writes one 188-byte transport packet (ISO 13818-1 2.4.3.2) with its adaptation field (2.4.3.4) in place.
 */
final class TsPacket {
    static final int SIZE = 188;
    static final int SYNC_BYTE = 0x47;
    static final int PAT_PID = 0;
    /** Largest payload: 188 minus the 4-byte header. */
    static final int MAX_PAYLOAD = 184;

    private TsPacket() {
    }

    /**
     * transport_packet: sync_byte 8 = 0x47, transport_error_indicator 1 = 0, payload_unit_start_indicator 1,
     * transport_priority 1 = 0, PID 13, transport_scrambling_control 2 = 00, adaptation_field_control 2,
     * continuity_counter 4.
     */
    static void header(byte[] b, int off, int pid, boolean unitStart, int adaptationFieldControl, int cc) {
        b[off] = SYNC_BYTE;
        b[off + 1] = (byte) ((unitStart ? 0x40 : 0) | pid >> 8 & 0x1F);
        b[off + 2] = (byte) pid;
        b[off + 3] = (byte) (adaptationFieldControl << 4 | cc & 0x0F);
    }

    /**
     * adaptation_field of {@code length} bytes after its length byte: adaptation_field_length 8; if length > 0,
     * discontinuity_indicator 1 = 0, random_access_indicator 1, elementary_stream_priority_indicator 1 = 0,
     * PCR_flag 1, OPCR_flag 1 = 0, splicing_point_flag 1 = 0, transport_private_data_flag 1 = 0,
     * adaptation_field_extension_flag 1 = 0; [PCR: program_clock_reference_base 33, reserved 6 = all ones,
     * program_clock_reference_extension 9 = 0]; then stuffing_byte 0xFF to the end. Returns the bytes written.
     */
    static int adaptationField(byte[] b, int off, int length, boolean randomAccess, long pcrBase) {
        b[off] = (byte) length;
        if (length == 0) {
            return 1;
        }
        boolean pcr = pcrBase >= 0;
        b[off + 1] = (byte) ((randomAccess ? 0x40 : 0) | (pcr ? 0x10 : 0));
        int p = off + 2;
        if (pcr) {
            b[p] = (byte) (pcrBase >>> 25);
            b[p + 1] = (byte) (pcrBase >>> 17);
            b[p + 2] = (byte) (pcrBase >>> 9);
            b[p + 3] = (byte) (pcrBase >>> 1);
            b[p + 4] = (byte) ((pcrBase & 1) << 7 | 0x7E); // last base bit, 6 reserved ones, extension bit 8 = 0
            b[p + 5] = 0; // extension bits 7..0
            p += 6;
        }
        java.util.Arrays.fill(b, p, off + 1 + length, (byte) 0xFF);
        return 1 + length;
    }

    /** The adaptation_field_length needed for flags (and a PCR) before any stuffing. */
    static int flagsLength(boolean pcr) {
        return pcr ? 7 : 1;
    }
}
