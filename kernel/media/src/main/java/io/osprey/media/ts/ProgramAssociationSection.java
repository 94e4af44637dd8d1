package io.osprey.media.ts;

/**
 * A program_association_section (ISO 13818-1 2.4.4.3) for one program.
 *
 * @param transportStreamId transport_stream_id
 * @param programNumber     program_number (not 0, which names the network PID)
 * @param pmtPid            program_map_PID
 */
public record ProgramAssociationSection(int transportStreamId, int programNumber, int pmtPid) {

    /** Writes the section with its CRC_32 at {@code off}; returns its length (16 bytes). */
    public int write(byte[] b, int off) {
        // table_id 8 = 0x00; section_syntax_indicator 1 = 1, '0' 1, reserved 2 = 11, section_length 12 = 13
        b[off] = 0x00;
        b[off + 1] = (byte) 0xB0;
        b[off + 2] = 13;
        // transport_stream_id 16; reserved 2 = 11, version_number 5 = 0, current_next_indicator 1 = 1;
        // section_number 8 = 0; last_section_number 8 = 0
        b[off + 3] = (byte) (transportStreamId >> 8);
        b[off + 4] = (byte) transportStreamId;
        b[off + 5] = (byte) 0xC1;
        b[off + 6] = 0;
        b[off + 7] = 0;
        // program_number 16; reserved 3 = 111, program_map_PID 13
        b[off + 8] = (byte) (programNumber >> 8);
        b[off + 9] = (byte) programNumber;
        b[off + 10] = (byte) (0xE0 | pmtPid >> 8);
        b[off + 11] = (byte) pmtPid;
        putCrc(b, off, 12);
        return 16;
    }

    static void putCrc(byte[] b, int off, int len) {
        int crc = Crc32Mpeg2.compute(b, off, len);
        b[off + len] = (byte) (crc >>> 24);
        b[off + len + 1] = (byte) (crc >>> 16);
        b[off + len + 2] = (byte) (crc >>> 8);
        b[off + len + 3] = (byte) crc;
    }
}
