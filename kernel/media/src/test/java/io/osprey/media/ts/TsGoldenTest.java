package io.osprey.media.ts;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.osprey.media.codec.Hex;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Golden bytes for the sections, packet headers, adaptation fields and PES headers the muxer writes. */
class TsGoldenTest {

    @Test
    void patIsByteForByteWhatFfmpegWrites() {
        byte[] b = new byte[16];
        assertEquals(16, new ProgramAssociationSection(1, 1, 0x1000).write(b, 0));
        assertEquals(Hex.of(Hex.bytes("""
                00          // table_id: program_association_section
                b0 0d       // section_syntax_indicator 1, '0', reserved 11, section_length 13
                00 01       // transport_stream_id 1
                c1          // reserved 11, version_number 0, current_next_indicator 1
                00 00       // section_number, last_section_number
                00 01       // program_number 1
                f0 00       // reserved 111, program_map_PID 0x1000
                2a b1 04 b2 // CRC_32 (FFmpeg 8.0.1 mpegts writes the same 17 bytes)
                """)), Hex.of(b));
    }

    @Test
    void pmtIsByteForByteWhatFfmpegWritesForH264AndAac() {
        byte[] b = new byte[64];
        int n = new ProgramMapSection(1, 0, 0x100, List.of(new ProgramMapSection.Entry(StreamType.H264, 0x100),
                new ProgramMapSection.Entry(StreamType.AAC_ADTS, 0x101))).write(b, 0);
        assertEquals(Hex.of(Hex.bytes("""
                02          // table_id: TS_program_map_section
                b0 17       // section_syntax_indicator 1, '0', reserved 11, section_length 23
                00 01       // program_number 1
                c1          // reserved 11, version_number 0, current_next_indicator 1
                00 00       // section_number, last_section_number
                e1 00       // reserved 111, PCR_PID 0x100
                f0 00       // reserved 1111, program_info_length 0
                1b e1 00 f0 00  // stream_type 0x1B AVC, elementary_PID 0x100, ES_info_length 0
                0f e1 01 f0 00  // stream_type 0x0F AAC ADTS, elementary_PID 0x101, ES_info_length 0
                2f 44 b9 9b     // CRC_32 (identical to FFmpeg's for the same program)
                """)), Hex.of(Arrays.copyOf(b, n)));
    }

    @Test
    void crcOfASectionIncludingItsCrcIsZero() {
        byte[] b = new byte[16];
        new ProgramAssociationSection(7, 3, 0x1234).write(b, 0);
        assertEquals(0, Crc32Mpeg2.compute(b, 0, 16));
    }

    @Test
    void packetHeader() {
        byte[] b = new byte[4];
        TsPacket.header(b, 0, 0x101, true, 0b11, 0x1F);
        // 47 sync; 41 = PUSI 1 + PID high bits 0x01; 01 = PID low; 3f = adaptation_field_control 11, cc 15
        assertEquals("4741013f", Hex.of(b));
    }

    @Test
    void adaptationFieldWithPcrAndRandomAccess() {
        byte[] b = new byte[12];
        int n = TsPacket.adaptationField(b, 0, 9, true, 0x1_2345_6789L);
        assertEquals(10, n);
        assertEquals(Hex.of(Hex.bytes("""
                09          // adaptation_field_length
                50          // random_access_indicator 1, PCR_flag 1
                91 a2 b3 c4 // program_clock_reference_base bits 32..1 (0x123456789 >> 1)
                fe 00       // base bit 0 = 1, reserved 111111, extension 0
                ff ff       // stuffing
                """)), Hex.of(Arrays.copyOf(b, n)));
        assertEquals(1, TsPacket.adaptationField(b, 0, 0, false, -1)); // one stuffing byte: the length alone
    }

    @Test
    void pesHeaderWithPtsAndDts() {
        byte[] b = new byte[PesHeader.MAX_SIZE];
        int n = PesHeader.write(b, 0, 0xE0, 1000, 126000 + 3600, 126000, true);
        assertEquals(Hex.of(Hex.bytes("""
                00 00 01 e0     // packet_start_code_prefix, stream_id video 0
                00 00           // PES_packet_length 0: unbounded (video)
                84              // '10', not scrambled, priority 0, data_alignment_indicator 1
                c0              // PTS_DTS_flags '11'
                0a              // PES_header_data_length 10
                31 00 07 f4 81  // '0011' PTS[32..30] 0 marker, PTS[29..15] 3 marker, PTS[14..0] 31296 marker (129600)
                11 00 07 d8 61  // '0001' DTS[32..30] 0 marker, DTS[29..15] 3 marker, DTS[14..0] 27696 marker (126000)
                """)), Hex.of(Arrays.copyOf(b, n)));
        n = PesHeader.write(b, 0, 0xC0, 200, 90, 90, false);
        // audio: PES_packet_length = 3 + 5 + 200 = 208 (0x00d0), PTS only ('10' flags, '0010' prefix)
        assertEquals("000001c000d084800521000100b5", Hex.of(Arrays.copyOf(b, n)));
    }

    @Test
    void timestampsWrapAt33Bits() {
        byte[] b = new byte[5];
        PesHeader.timestamp(b, 0, 2, (1L << 33) + 5);
        byte[] c = new byte[5];
        PesHeader.timestamp(c, 0, 2, 5);
        assertEquals(Hex.of(c), Hex.of(b));
    }
}
