package io.osprey.media.flv;

import static io.osprey.media.amf0.Bytes.ascii;
import static io.osprey.media.amf0.Bytes.buf;
import static io.osprey.media.amf0.Bytes.cat;
import static io.osprey.media.amf0.Bytes.hex;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.osprey.media.amf0.Amf0EcmaArray;
import io.osprey.media.amf0.Amf0Reader;
import io.osprey.media.amf0.Bytes;
import io.osprey.media.flv.MediaPacket.PacketKind;
import io.osprey.spi.bus.Codec;
import io.osprey.spi.bus.Frame;
import io.osprey.spi.bus.TrackInfo;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FlvMediaTest {

    /** A small AVCDecoderConfigurationRecord: version 1, High@3.1, one 4-byte SPS, one 2-byte PPS. */
    private static final byte[] AVCC = hex("01 64001F FF E1 0004 6764001F 01 0002 68EE");
    private static final byte[] NALUS = hex("00000002 6588 00000002 0600");

    private static MediaPacket only(List<MediaPacket> packets) {
        assertEquals(1, packets.size(), packets::toString);
        return packets.get(0);
    }

    private static void assertPacket(MediaPacket p, int track, Codec codec, PacketKind kind, boolean key, int cts,
                                     byte[] payload) {
        assertEquals(track, p.track());
        assertEquals(codec, p.codec());
        assertEquals(kind, p.kind());
        assertEquals(key, p.key());
        assertEquals(cts, p.cts());
        assertArrayEquals(payload, Bytes.toArray(p.payload()));
    }

    // ---- golden bytes, legacy ----

    @Test
    void legacyAvcSequenceHeaderAndFrames() throws Exception {
        // E.4.3.1: FrameType 1 (key) CodecID 7 (AVC), AVCPacketType 0, CompositionTime 0, AVCDecoderConfigurationRecord
        assertPacket(only(FlvMedia.parseVideo(buf("17 00 000000", AVCC))), 0, Codec.H264, PacketKind.CONFIG, true, 0,
                AVCC);
        // FrameType 2 (inter), AVCPacketType 1, CompositionTime SI24 -80 = 0xFFFFB0
        assertPacket(only(FlvMedia.parseVideo(buf("27 01 FFFFB0", NALUS))), 0, Codec.H264, PacketKind.FRAME, false,
                -80, NALUS);
        // AVCPacketType 2: end of sequence
        assertEquals(PacketKind.END_OF_SEQUENCE, only(FlvMedia.parseVideo(buf("17 02 000000"))).kind());
        // CodecID 12: HEVC, non-standard but widespread
        assertPacket(only(FlvMedia.parseVideo(buf("1C 01 000028", NALUS))), 0, Codec.H265, PacketKind.FRAME, true,
                40, NALUS);
    }

    @Test
    void legacyAudio() throws Exception {
        // E.4.2.1: SoundFormat 10 (AAC), SoundRate 3, SoundSize 1, SoundType 1 = 0xAF; AACPacketType 0 = ASC
        assertPacket(only(FlvMedia.parseAudio(buf("AF 00 1210"))), 0, Codec.AAC, PacketKind.CONFIG, true, 0,
                hex("1210"));
        assertPacket(only(FlvMedia.parseAudio(buf("AF 01 211A"))), 0, Codec.AAC, PacketKind.FRAME, true, 0,
                hex("211A"));
        // SoundFormat 2 (MP3), SoundRate 2 (22 kHz), 16-bit, mono = 0x2A
        MediaPacket mp3 = only(FlvMedia.parseAudio(buf("2A FFFB9064")));
        assertPacket(mp3, 0, Codec.MP3, PacketKind.FRAME, true, 0, hex("FFFB9064"));
        assertEquals(22050, mp3.sampleRate());
        assertEquals(1, mp3.channels());
        assertEquals(8000, only(FlvMedia.parseAudio(buf("E2 FFF3"))).sampleRate()); // SoundFormat 14, MP3 8 kHz
    }

    @Test
    void unsupportedCodecsGiveNothing() throws Exception {
        assertTrue(FlvMedia.parseVideo(buf("22 0011")).isEmpty());     // Sorenson H.263
        assertTrue(FlvMedia.parseVideo(buf("14 0011")).isEmpty());     // VP6
        assertTrue(FlvMedia.parseVideo(buf("57 00")).isEmpty());       // command frame, VideoCommand 0
        assertTrue(FlvMedia.parseAudio(buf("BE 0011")).isEmpty());     // Speex
        assertTrue(FlvMedia.parseAudio(buf("72 D5D5")).isEmpty());     // G.711 A-law
        assertTrue(FlvMedia.parseVideo(buf("91", ascii("vp08"), "00")).isEmpty()); // E-RTMP VP8 not carried
        assertTrue(FlvMedia.parseAudio(buf("91", ascii("fLaC"), "00")).isEmpty());
    }

    // ---- golden bytes, Enhanced RTMP ----

    @Test
    void enhancedVideo() throws Exception {
        // isExVideoHeader 1, FrameType 1, PacketType 0 SequenceStart = 0x90, FOURCC 'hvc1',
        // HEVCDecoderConfigurationRecord
        assertPacket(only(FlvMedia.parseVideo(buf("90", ascii("hvc1"), "01 02 03"))), 0, Codec.H265,
                PacketKind.CONFIG, true, 0, hex("010203"));
        // FrameType 2, CodedFrames = 0xA1, 'hvc1', SI24 cts 33
        assertPacket(only(FlvMedia.parseVideo(buf("A1", ascii("hvc1"), "000021", NALUS))), 0, Codec.H265,
                PacketKind.FRAME, false, 33, NALUS);
        // CodedFramesX = 0x93: cts implied 0
        assertPacket(only(FlvMedia.parseVideo(buf("93", ascii("avc1"), NALUS))), 0, Codec.H264, PacketKind.FRAME,
                true, 0, NALUS);
        // AV1 CodedFrames carries no composition time
        assertPacket(only(FlvMedia.parseVideo(buf("91", ascii("av01"), "12000A0B"))), 0, Codec.AV1,
                PacketKind.FRAME, true, 0, hex("12000A0B"));
        // SequenceEnd = 0x92 for vp09
        assertEquals(PacketKind.END_OF_SEQUENCE, only(FlvMedia.parseVideo(buf("92", ascii("vp09")))).kind());
        // Metadata = 0x?4, frame type ignored even if Command: AMF0 "colorInfo" {}
        MediaPacket meta = only(FlvMedia.parseVideo(buf("D4", ascii("av01"), "02 0009", ascii("colorInfo"),
                "03 0000 09")));
        assertEquals(PacketKind.METADATA, meta.kind());
        assertEquals("colorInfo", Amf0Reader.decodeAll(meta.payload()).get(0));
        // Command frame with a non-Metadata packet type: videoCommand UI8, no video
        assertTrue(FlvMedia.parseVideo(buf("D1", ascii("hvc1"), "00")).isEmpty());
        // MPEG2TSSequenceStart = 5: skipped
        assertTrue(FlvMedia.parseVideo(buf("95", ascii("av01"), "80")).isEmpty());
    }

    @Test
    void enhancedVideoModExIsSkipped() throws Exception {
        // PacketType 7 ModEx: modExDataSize UI8 + 1 = 3, data, then modExType 0 (TimestampOffsetNano) | CodedFrames
        assertPacket(only(FlvMedia.parseVideo(buf("97 02 0F4240 01", ascii("hvc1"), "000005", NALUS))), 0,
                Codec.H265, PacketKind.FRAME, true, 5, NALUS);
        // 16-bit size form: UI8 0xFF means UI16 + 1 follows
        assertPacket(only(FlvMedia.parseVideo(buf("97 FF 0001 0102 01", ascii("av01"), "AA"))), 0, Codec.AV1,
                PacketKind.FRAME, true, 0, hex("AA"));
    }

    @Test
    void enhancedVideoMultitrack() throws Exception {
        // Multitrack 0x96, then OneTrack(0) | CodedFrames(1), FOURCC, trackId 2, SI24 cts, data
        assertPacket(only(FlvMedia.parseVideo(buf("96 01", ascii("avc1"), "02 000010", NALUS))), 2, Codec.H264,
                PacketKind.FRAME, true, 16, NALUS);
        // ManyTracks(1) | SequenceStart(0), 'hvc1', then per track: trackId UI8, sizeOfVideoTrack UI24, data
        List<MediaPacket> many = FlvMedia.parseVideo(buf("96 10", ascii("hvc1"), "00 000002 AABB", "01 000001 CC"));
        assertEquals(2, many.size());
        assertPacket(many.get(0), 0, Codec.H265, PacketKind.CONFIG, true, 0, hex("AABB"));
        assertPacket(many.get(1), 1, Codec.H265, PacketKind.CONFIG, true, 0, hex("CC"));
        // ManyTracksManyCodecs(2) | CodedFramesX(3): per track FOURCC, trackId, size; unknown 'vp08' skipped
        List<MediaPacket> mixed = FlvMedia.parseVideo(buf("A6 23", ascii("av01"), "00 000001 11",
                ascii("vp08"), "01 000001 22", ascii("avc1"), "02 000001 33"));
        assertEquals(2, mixed.size());
        assertPacket(mixed.get(0), 0, Codec.AV1, PacketKind.FRAME, false, 0, hex("11"));
        assertPacket(mixed.get(1), 2, Codec.H264, PacketKind.FRAME, false, 0, hex("33"));
    }

    @Test
    void enhancedAudio() throws Exception {
        // SoundFormat 9 ExHeader | SequenceStart 0 = 0x90, 'mp4a', AudioSpecificConfig
        assertPacket(only(FlvMedia.parseAudio(buf("90", ascii("mp4a"), "1210"))), 0, Codec.AAC, PacketKind.CONFIG,
                true, 0, hex("1210"));
        assertPacket(only(FlvMedia.parseAudio(buf("91", ascii(".mp3"), "FFFB"))), 0, Codec.MP3, PacketKind.FRAME,
                true, 0, hex("FFFB"));
        // Opus SequenceStart carries an RFC 7845 OpusHead, the bus a dOps body (these are the bytes of ffmpeg's
        // E-RTMP flvenc for stereo Opus)
        MediaPacket opus = only(FlvMedia.parseAudio(buf("90", ascii("Opus"), ascii("OpusHead"),
                "01 02 3801 80BB0000 0000 00")));
        assertPacket(opus, 0, Codec.OPUS, PacketKind.CONFIG, true, 0, hex("00 02 0138 0000BB80 0000 00"));
        assertEquals(48000, opus.sampleRate());
        assertEquals(2, opus.channels());
        // MultichannelConfig(4): order Native(1), 6 channels, audioChannelFlags UI32
        MediaPacket mc = only(FlvMedia.parseAudio(buf("94", ascii("Opus"), "01 06 0000003F")));
        assertEquals(PacketKind.METADATA, mc.kind());
        assertEquals(6, mc.channels());
        // Multitrack(5): ManyTracks | CodedFrames, 'Opus', tracks 0 and 1
        List<MediaPacket> tracks = FlvMedia.parseAudio(buf("95 11", ascii("Opus"), "00 000001 F8", "01 000002 F8FF"));
        assertEquals(2, tracks.size());
        assertPacket(tracks.get(1), 1, Codec.OPUS, PacketKind.FRAME, true, 0, hex("F8FF"));
        assertEquals(PacketKind.END_OF_SEQUENCE, only(FlvMedia.parseAudio(buf("92", ascii("mp4a")))).kind());
    }

    // ---- truncated and malformed bodies ----

    @Test
    void malformedBodiesAreFormatErrors() {
        String[] bad = {
            "",                     // E1: empty body
            "17", "17 01", "17 01 0000", // legacy AVC header truncated
            "17 05 000000 00",      // AVCPacketType 5
            "90 6876",              // FOURCC truncated
            "96", "96 10 68766331 00 0000", // multitrack header / track size truncated
            "96 10 68766331 00 000009 AA", // sizeOfVideoTrack beyond the body
            "96 06 68766331 00",    // Multitrack inside multitrack
            "97", "97 05 01", "97 FF 00", // ModEx truncated
            "A1 68766331 0000",     // hvc1 CodedFrames: SI24 cts truncated
        };
        for (String hex : bad) {
            assertThrows(FlvFormatException.class, () -> FlvMedia.parseVideo(buf(hex)), hex);
        }
        String[] badAudio = {
            "", "AF", "AF 02 11", "90 4F70", "95", "95 11 4F707573 00 0005 11",
            "95 05 4F707573 00",    // Multitrack inside multitrack
            "90 4F707573 4F707573486561", // OpusHead truncated
            "90 4F707573 0102030405060708090A0B0C0D0E0F10111213", // not an OpusHead
            "94 4F707573 02 08 0102", // MultichannelConfig Custom with 8 channels, 2 mapped
            "94 4F707573 01",       // MultichannelConfig truncated
        };
        for (String hex : badAudio) {
            assertThrows(FlvFormatException.class, () -> FlvMedia.parseAudio(buf(hex)), hex);
        }
    }

    @Test
    void emptySequenceHeadersAreIgnored() throws Exception {
        // ffmpeg's flvenc (E-RTMP AV1 + Opus) writes "90 'av01'" with no record before the real one
        assertTrue(FlvMedia.parseVideo(buf("90", ascii("av01"))).isEmpty());
        assertTrue(FlvMedia.parseVideo(buf("17 00 000000")).isEmpty());
        assertTrue(FlvMedia.parseAudio(buf("AF 00")).isEmpty());
        assertTrue(FlvMedia.parseAudio(buf("90", ascii("Opus"))).isEmpty());
    }

    @Test
    void parsingDoesNotMoveTheBody() throws Exception {
        ByteBuffer body = buf("27 01 000000", NALUS);
        FlvMedia.parseVideo(body);
        assertEquals(0, body.position());
    }

    // ---- encoding, golden bytes ----

    @Test
    void encodesLegacyH264AndAac() {
        assertArrayEquals(cat("17 00 000000", AVCC),
                Bytes.toArray(FlvMedia.videoBody(Frame.config(0, Codec.H264, 0, ByteBuffer.wrap(AVCC)))));
        assertArrayEquals(cat("27 01 000050", NALUS), Bytes.toArray(FlvMedia.videoBody(
                Frame.media(0, Codec.H264, 40, 80, false, ByteBuffer.wrap(NALUS)))));
        TrackInfo aac = TrackInfo.audio(0, Codec.AAC, ByteBuffer.wrap(hex("1190")), 48000, 2);
        assertArrayEquals(hex("AF 00 1190"), Bytes.toArray(FlvMedia.audioBody(
                Frame.config(0, Codec.AAC, 0, ByteBuffer.wrap(hex("1190"))), aac)));
        assertArrayEquals(hex("AF 01 2110"), Bytes.toArray(FlvMedia.audioBody(
                Frame.media(0, Codec.AAC, 0, 0, true, ByteBuffer.wrap(hex("2110"))), aac)));
        TrackInfo mp3 = TrackInfo.audio(0, Codec.MP3, null, 22050, 1);
        assertArrayEquals(hex("2A FFFB"), Bytes.toArray(FlvMedia.audioBody(
                Frame.media(0, Codec.MP3, 0, 0, true, ByteBuffer.wrap(hex("FFFB"))), mp3)));
    }

    @Test
    void encodesEnhancedForOtherCodecsAndTracks() {
        assertArrayEquals(cat("A1", ascii("hvc1"), "FFFFFF", NALUS), Bytes.toArray(FlvMedia.videoBody(
                Frame.media(0, Codec.H265, 0, -1, false, ByteBuffer.wrap(NALUS)))));
        assertArrayEquals(cat("90", ascii("av01"), "81"), Bytes.toArray(FlvMedia.videoBody(
                Frame.config(0, Codec.AV1, 0, ByteBuffer.wrap(hex("81"))))));
        // track 3: Multitrack, OneTrack | CodedFrames, FOURCC, trackId, SI24 cts
        assertArrayEquals(cat("96 01", ascii("avc1"), "03 000000", NALUS), Bytes.toArray(FlvMedia.videoBody(
                Frame.media(3, Codec.H264, 0, 0, true, ByteBuffer.wrap(NALUS)))));
        assertArrayEquals(cat("95 01", ascii("mp4a"), "01 2110"), Bytes.toArray(FlvMedia.audioBody(
                Frame.media(1, Codec.AAC, 0, 0, true, ByteBuffer.wrap(hex("2110"))), null)));
        assertArrayEquals(cat("90", ascii("Opus"), ascii("OpusHead"), "01 02 3801 80BB0000 0000 00"),
                Bytes.toArray(FlvMedia.audioBody(Frame.config(0, Codec.OPUS, 0,
                        ByteBuffer.wrap(hex("00 02 0138 0000BB80 0000 00"))), null)));
    }

    @Test
    void tagsUseTheDtsCutTo32BitsAndMetadataTagsOnMetaData() throws Exception {
        Frame f = Frame.media(0, Codec.AAC, 0x1_2345_6789L, 0, true, ByteBuffer.wrap(hex("2110")));
        // E.4.1: TagType 8, DataSize 4, Timestamp 0x456789, TimestampExtended 0x23, StreamID 0;
        // body; PreviousTagSize 15
        assertArrayEquals(hex("08 000004 456789 23 000000 AF01 2110 0000000F"),
                Bytes.toArray(FlvMedia.tag(f, null)));
        ByteBuffer meta = FlvMedia.metadataTag(Map.of("width", 1280.0));
        assertEquals(FlvTag.SCRIPT, meta.get(0));
        assertEquals(0, meta.getInt(4), "Timestamp and TimestampExtended 0");
        List<Object> amf = Amf0Reader.decodeAll(meta.slice(11, meta.remaining() - 15));
        assertEquals("onMetaData", amf.get(0));
        assertTrue(amf.get(1) instanceof Amf0EcmaArray);
        assertEquals(Map.of("width", 1280.0), amf.get(1));
    }

    @Test
    void headerAndTagWriterGoldenBytes() {
        assertArrayEquals(hex("464C56 01 05 00000009 00000000"), FlvHeader.bytes(true, true));
        assertArrayEquals(hex("464C56 01 01 00000009 00000000"), FlvHeader.bytes(false, true));
        ByteBuffer body = buf("AABB");
        body.position(1);
        assertArrayEquals(hex("12 000001 000000 00 000000 BB 0000000C"), Bytes.toArray(FlvTagWriter.encode(18, 0,
                body)));
        assertEquals(1, body.position(), "the body's position does not move");
        assertEquals(17, FlvTagWriter.encodedSize(2));
    }

    // ---- round trips: parse(encode(frame)) == frame for every codec ----

    @Test
    void everySupportedCodecRoundTrips() throws Exception {
        byte[] dops = hex("00 06 0138 0000BB80 0000 01 04 02 000405010203");
        List<Frame> frames = List.of(
                Frame.config(0, Codec.H264, 0, ByteBuffer.wrap(AVCC)),
                Frame.media(0, Codec.H264, 40, 80, true, ByteBuffer.wrap(NALUS)),
                Frame.media(0, Codec.H264, 80, -40, false, ByteBuffer.wrap(NALUS)),
                Frame.media(5, Codec.H264, 80, 40, false, ByteBuffer.wrap(NALUS)),
                Frame.config(0, Codec.H265, 0, ByteBuffer.wrap(hex("0102"))),
                Frame.media(0, Codec.H265, 0, 120, true, ByteBuffer.wrap(NALUS)),
                Frame.media(255, Codec.H265, 0, 0, false, ByteBuffer.wrap(NALUS)),
                Frame.config(0, Codec.AV1, 0, ByteBuffer.wrap(hex("81 08 0C 00"))),
                Frame.media(0, Codec.AV1, 0, 0, true, ByteBuffer.wrap(hex("12 00 0A 0B"))),
                Frame.config(1, Codec.VP9, 0, ByteBuffer.wrap(hex("01 00 00 00"))),
                Frame.media(0, Codec.VP9, 0, 0, false, ByteBuffer.wrap(hex("8249834200"))),
                Frame.config(0, Codec.AAC, 0, ByteBuffer.wrap(hex("1190"))),
                Frame.media(0, Codec.AAC, 0, 0, true, ByteBuffer.wrap(hex("2110"))),
                Frame.media(2, Codec.AAC, 0, 0, true, ByteBuffer.wrap(hex("2110"))),
                Frame.media(0, Codec.MP3, 0, 0, true, ByteBuffer.wrap(hex("FFFB9064"))),
                Frame.media(1, Codec.MP3, 0, 0, true, ByteBuffer.wrap(hex("FFFB9064"))),
                Frame.config(0, Codec.OPUS, 0, ByteBuffer.wrap(dops)),
                Frame.config(0, Codec.OPUS, 0, ByteBuffer.wrap(hex("00 02 0138 0000BB80 0000 00"))),
                Frame.media(0, Codec.OPUS, 0, 0, true, ByteBuffer.wrap(hex("FC FF FE"))),
                Frame.media(7, Codec.OPUS, 0, 0, true, ByteBuffer.wrap(hex("FC FF FE"))));
        TrackInfo mp3Track = TrackInfo.audio(0, Codec.MP3, null, 44100, 2);
        for (Frame f : frames) {
            boolean video = f.kind() == io.osprey.spi.bus.MediaKind.VIDEO;
            ByteBuffer body = video ? FlvMedia.videoBody(f) : FlvMedia.audioBody(f, mp3Track);
            MediaPacket p = only(video ? FlvMedia.parseVideo(body) : FlvMedia.parseAudio(body));
            assertEquals(f.track(), p.track(), f::toString);
            assertEquals(f.codec(), p.codec(), f::toString);
            assertEquals(f.isConfig() ? PacketKind.CONFIG : PacketKind.FRAME, p.kind(), f::toString);
            assertEquals(f.isKey(), p.key(), f::toString);
            assertEquals(f.cts(), p.cts(), f::toString);
            assertEquals(f.payload(), p.payload(), f::toString);
            Frame back = p.toFrame(f.dts());
            assertEquals(f.toString(), back.toString());

            // and through a whole FLV tag and the reader
            ByteBuffer tag = FlvMedia.tag(f, mp3Track);
            FlvTag[] seen = new FlvTag[1];
            FlvReader r = new FlvReader(1 << 16, new FlvReader.Listener() {
                @Override
                public void onHeader(boolean audio, boolean video) {
                }

                @Override
                public void onTag(FlvTag t) {
                    seen[0] = t;
                }
            });
            r.feed(ByteBuffer.wrap(FlvHeader.bytes(true, true)));
            r.feed(tag);
            assertEquals(body, seen[0].body());
            assertEquals(f.dts(), seen[0].timestamp());
            assertFalse(r.badPreviousTagSizes() > 0);
        }
    }

    @Test
    void endOfSequenceAndMetadataHaveNoFrame() throws Exception {
        MediaPacket eos = only(FlvMedia.parseVideo(buf("17 02 000000")));
        assertThrows(IllegalStateException.class, () -> eos.toFrame(0));
    }

    @Test
    void encodingRejectsTheWrongKind() {
        Frame audio = Frame.media(0, Codec.AAC, 0, 0, true, ByteBuffer.wrap(hex("21")));
        assertThrows(IllegalArgumentException.class, () -> FlvMedia.videoBody(audio));
        assertThrows(IllegalArgumentException.class, () -> FlvMedia.audioBody(
                Frame.media(0, Codec.H264, 0, 0, true, ByteBuffer.wrap(NALUS)), null));
        assertThrows(IllegalArgumentException.class, () -> FlvMedia.scriptBody(audio));
    }
}
