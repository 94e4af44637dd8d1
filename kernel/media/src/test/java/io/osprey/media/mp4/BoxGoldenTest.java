package io.osprey.media.mp4;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.osprey.media.codec.AacConfig;
import io.osprey.media.codec.Hex;
import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Each box's exact bytes, annotated field by field against ISO 14496-12 / -14 / -15. */
class BoxGoldenTest {
    static final String AVCC = "0142c01fffe1000f6742c01f8c6805005bb0101e1108d401000468ce3c80";

    static void golden(String annotated, Box box) {
        assertEquals(Hex.of(Hex.bytes(annotated)), Hex.of(box.toByteBuffer()));
        assertEquals(Hex.bytes(annotated).length, box.size());
    }

    @Test
    void ftyp() {
        golden("""
                0000001c 66747970   // size 28, 'ftyp'
                69736f35 00000200   // major_brand iso5, minor_version 512
                69736f35 69736f36 6d703431  // compatible_brands iso5 iso6 mp41
                """, new FileTypeBox("iso5", 512, List.of("iso5", "iso6", "mp41")));
    }

    @Test
    void mvhd() {
        golden("""
                0000006c 6d766864 00000000  // size 108, 'mvhd', version 0, flags 0
                00000000 00000000   // creation_time, modification_time
                000003e8 00000000   // timescale 1000, duration 0
                00010000 0100 0000  // rate 1.0, volume 1.0, reserved
                00000000 00000000   // reserved
                00010000 00000000 00000000 00000000 00010000 00000000 00000000 00000000 40000000  // unity matrix
                00000000 00000000 00000000 00000000 00000000 00000000  // pre_defined
                00000003            // next_track_ID
                """, new MovieHeaderBox(1000, 0, 3));
    }

    @Test
    void tkhdVideoAndLongDurationVersion1() {
        golden("""
                0000005c 746b6864 00000003  // size 92, 'tkhd', version 0, flags enabled | in_movie
                00000000 00000000   // creation_time, modification_time
                00000001 00000000   // track_ID 1, reserved
                00000000            // duration 0
                00000000 00000000   // reserved
                0000 0000 0000 0000 // layer, alternate_group, volume 0 (video), reserved
                00010000 00000000 00000000 00000000 00010000 00000000 00000000 00000000 40000000
                05000000 02d00000   // width 1280.0, height 720.0
                """, new TrackHeaderBox(1, 0, false, 1280, 720));
        assertEquals(104, new TrackHeaderBox(1, 1L << 33, true, 0, 0).size()); // 64-bit times and duration
    }

    @Test
    void mdhdHdlrVmhdSmhdDref() {
        golden("""
                00000020 6d646864 00000000  // size 32, 'mdhd', version 0
                00000000 00000000   // creation_time, modification_time
                00015f90 00000000   // timescale 90000, duration 0
                55c4 0000           // pad 0 + language 'und', pre_defined
                """, new MediaHeaderBox(90000, 0));
        golden("""
                0000002d 68646c72 00000000  // size 45, 'hdlr'
                00000000 76696465   // pre_defined, handler_type 'vide'
                00000000 00000000 00000000  // reserved
                566964656f48616e646c6572 00 // name "VideoHandler", NUL
                """, new HandlerBox("vide", "VideoHandler"));
        golden("00000014 766d6864 00000001  0000 000000000000 // graphicsmode 0, opcolor 0 0 0",
                new VideoMediaHeaderBox());
        golden("00000010 736d6864 00000000  0000 0000 // balance 0, reserved", new SoundMediaHeaderBox());
        golden("""
                0000001c 64726566 00000000 00000001  // 'dref', entry_count 1
                0000000c 75726c20 00000001  // 'url ' with flags 1: media in this file
                """, new DataReferenceBox());
    }

    @Test
    void avc1SampleEntry() {
        golden("""
                0000007c 61766331   // size 124, 'avc1'
                000000000000 0001   // reserved, data_reference_index 1
                0000 0000 00000000 00000000 00000000  // pre_defined, reserved, pre_defined[3]
                0500 02d0           // width 1280, height 720
                00480000 00480000   // 72 dpi
                00000000 0001       // reserved, frame_count 1
                0000000000000000000000000000000000000000000000000000000000000000  // compressorname
                0018 ffff           // depth 24, pre_defined -1
                00000026 61766343   // 'avcC', 30 bytes of record
                """ + AVCC, new VisualSampleEntry("avc1", 1280, 720,
                DecoderConfigurationBox.avcC(Hex.buf(AVCC))));
    }

    @Test
    void mp4aWithEsds() {
        ByteBuffer asc = AacConfig.build(2, 44100, 2);
        golden("""
                00000027 65736473 00000000  // size 39, 'esds', version 0
                03 19 0002 00       // ES_Descriptor, 25 bytes: ES_ID 2, no flags, priority 0
                04 11 40 15         // DecoderConfigDescriptor, 17 bytes: 14496-3 audio, AudioStream, reserved 1
                000000 00000000 00000000  // bufferSizeDB, maxBitrate, avgBitrate
                05 02 1210          // DecoderSpecificInfo: AudioSpecificConfig AAC LC 44.1 kHz stereo
                06 01 02            // SLConfigDescriptor predefined 2
                """, new EsdsBox(2, EsdsBox.MPEG4_AUDIO, 0, asc));
        golden("""
                0000004b 6d703461   // size 75, 'mp4a'
                000000000000 0001   // reserved, data_reference_index 1
                00000000 00000000   // reserved
                0002 0010 0000 0000 // channelcount 2, samplesize 16, pre_defined, reserved
                ac440000            // samplerate 44100.0
                00000027 65736473 00000000 03 19 0002 00 04 11 40 15 000000 00000000 00000000 05 02 1210 06 01 02
                """, new AudioSampleEntry("mp4a", 2, 44100, new EsdsBox(2, 0x40, 0, asc)));
    }

    @Test
    void sampleTables() {
        golden("00000020 73747473 00000000 00000002  00000003 00000400  00000001 000003e8 // 3 x 1024, 1 x 1000",
                TimeToSampleBox.of(new int[] {1024, 1024, 1024, 1000}, 4));
        golden("""
                00000028 63747473 01000000 00000003  // 'ctts' version 1: a negative offset
                00000001 00000000  00000001 00000bb8  00000001 fffffc18  // 0, 3000, -1000
                """, CompositionOffsetBox.of(new int[] {0, 3000, -1000}, 3));
        golden("00000018 73747373 00000000 00000002 00000001 0000001f // sync samples 1 and 31",
                new SyncSampleBox(new int[] {1, 31, 99}, 2));
        golden("""
                00000028 73747363 00000000 00000002  // 'stsc', 2 runs for chunks of 5, 5, 3 samples
                00000001 00000005 00000001  // first_chunk 1, samples_per_chunk 5, description 1
                00000003 00000003 00000001  // first_chunk 3, samples_per_chunk 3
                """, SampleToChunkBox.of(new int[] {5, 5, 3}, 3));
        golden("00000014 7374737a 00000000 0000000a 00000002 // constant sample_size 10, 2 samples",
                new SampleSizeBox(new int[] {10, 10}, 2));
        golden("0000001c 7374737a 00000000 00000000 00000002 0000000a 00000014 // per-sample sizes",
                new SampleSizeBox(new int[] {10, 20}, 2));
        golden("00000018 7374636f 00000000 00000002 00000030 000003e8 // offsets 48, 1000",
                ChunkLargeOffsetBox.of(new long[] {48, 1000}, 2));
        golden("00000020 636f3634 00000000 00000002 0000000000000030 000000012a05f200 // co64: 48, 5e9",
                ChunkLargeOffsetBox.of(new long[] {48, 5_000_000_000L}, 2));
        golden("""
                0000001c 656c7374 00000000 00000001  // 'elst', 1 entry
                000007d0 00000bb8 0001 0000  // segment_duration 2000, media_time 3000, rate 1.0
                """, new EditListBox(2000, 3000));
        golden("00000024 65647473 0000001c656c7374000000000000000100000000ffffffff00010000 // empty edit",
                new EditBox(new EditListBox(0, -1)));
    }

    @Test
    void fragmentBoxes() {
        golden("00000020 74726578 00000000 00000001 00000001 00000000 00000000 00000000 // track 1, index 1",
                new TrackExtendsBox(1));
        golden("00000010 6d666864 00000000 00000007 // sequence_number 7", new MovieFragmentHeaderBox(7));
        golden("00000010 74666864 00020000 00000001 // default-base-is-moof, track 1",
                TrackFragmentHeaderBox.moofRelative(1, null));
        golden("00000014 74666864 00020020 00000002 02000000 // + default_sample_flags: sync",
                TrackFragmentHeaderBox.moofRelative(2, TrackRunBox.SYNC_SAMPLE));
        golden("00000014 74666474 01000000 0000000000015f90 // version 1, baseMediaDecodeTime 90000",
                new TrackFragmentBaseMediaDecodeTimeBox(90000));
        golden("""
                00000034 7472756e 01000f01  // 'trun' version 1; data offset, duration, size, flags, cto
                00000002 00000070   // sample_count 2, data_offset 112
                00000bb8 00000064 02000000 00000000  // 3000 ticks, 100 bytes, sync, cto 0
                00000bb8 00000032 01010000 fffff448  // 3000 ticks, 50 bytes, non-sync, cto -3000
                """, new TrackRunBox(2, 0, new int[] {3000, 3000}, new int[] {100, 50},
                new int[] {TrackRunBox.SYNC_SAMPLE, TrackRunBox.NON_SYNC_SAMPLE}, new int[] {0, -3000})
                .withDataOffset(0x70));
    }

    @Test
    void mdatHeaders() {
        ByteBuffer b = ByteBuffer.allocate(16);
        MediaDataBox.writeHeader(b, 100);
        assertEquals("0000006c6d646174", Hex.of(b.flip()));
        b.clear();
        MediaDataBox.writeHeader(b, 5_000_000_000L);
        assertEquals("000000016d646174000000012a05f210", Hex.of(b.flip())); // size 1, largesize 5e9 + 16
    }
}
