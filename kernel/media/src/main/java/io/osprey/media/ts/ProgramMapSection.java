package io.osprey.media.ts;

import java.util.List;

/**
 * A TS_program_map_section (ISO 13818-1 2.4.4.8) without descriptors.
 *
 * @param programNumber program_number
 * @param version       version_number, 0..31, bumped when the streams change
 * @param pcrPid        PCR_PID
 * @param streams       the elementary streams in PMT order
 */
public record ProgramMapSection(int programNumber, int version, int pcrPid, List<Entry> streams) {

    /** One elementary stream: stream_type and elementary_PID. */
    public record Entry(StreamType type, int pid) {
    }

    public ProgramMapSection {
        streams = List.copyOf(streams);
        if (streams.size() > 30) {
            throw new IllegalArgumentException("too many streams for one packet");
        }
    }

    /** Writes the section with its CRC_32 at {@code off}; returns its length. */
    public int write(byte[] b, int off) {
        int sectionLength = 9 + 5 * streams.size() + 4;
        // table_id 8 = 0x02; section_syntax_indicator 1 = 1, '0' 1, reserved 2 = 11, section_length 12
        b[off] = 0x02;
        b[off + 1] = (byte) (0xB0 | sectionLength >> 8);
        b[off + 2] = (byte) sectionLength;
        // program_number 16; reserved 2, version_number 5, current_next_indicator 1 = 1;
        // section_number 8 = 0; last_section_number 8 = 0
        b[off + 3] = (byte) (programNumber >> 8);
        b[off + 4] = (byte) programNumber;
        b[off + 5] = (byte) (0xC1 | (version & 0x1F) << 1);
        b[off + 6] = 0;
        b[off + 7] = 0;
        // reserved 3 = 111, PCR_PID 13; reserved 4 = 1111, program_info_length 12 = 0
        b[off + 8] = (byte) (0xE0 | pcrPid >> 8);
        b[off + 9] = (byte) pcrPid;
        b[off + 10] = (byte) 0xF0;
        b[off + 11] = 0;
        int p = off + 12;
        for (Entry e : streams) {
            // stream_type 8; reserved 3, elementary_PID 13; reserved 4, ES_info_length 12 = 0
            b[p] = (byte) e.type().value();
            b[p + 1] = (byte) (0xE0 | e.pid() >> 8);
            b[p + 2] = (byte) e.pid();
            b[p + 3] = (byte) 0xF0;
            b[p + 4] = 0;
            p += 5;
        }
        ProgramAssociationSection.putCrc(b, off, p - off);
        return p - off + 4;
    }
}
