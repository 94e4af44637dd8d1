package io.osprey.media.flv;

import io.osprey.media.flv.MediaPacket.PacketKind;
import io.osprey.spi.bus.Codec;
import io.osprey.spi.bus.MediaKind;
import java.nio.ByteBuffer;
import java.util.List;

/** Parses a VIDEODATA body: legacy FLV (E.4.3.1) AVC and HEVC, and Enhanced RTMP v1/v2 ExVideoTagHeader. */
final class VideoTagParser {

    private static final String WHAT = "FLV video tag";

    // E.4.3.1 FrameType
    static final int KEY_FRAME = 1;
    static final int INTER_FRAME = 2;
    static final int GENERATED_KEY_FRAME = 4;
    static final int COMMAND_FRAME = 5;
    // E.4.3.1 CodecID; 12 is the widespread non-standard HEVC extension
    static final int CODEC_AVC = 7;
    static final int CODEC_HEVC_LEGACY = 12;
    // E-RTMP VideoPacketType
    static final int SEQUENCE_START = 0;
    static final int CODED_FRAMES = 1;
    static final int SEQUENCE_END = 2;
    static final int CODED_FRAMES_X = 3;
    static final int METADATA = 4;
    static final int MPEG2TS_SEQUENCE_START = 5;
    static final int MULTITRACK = 6;

    private VideoTagParser() {
    }

    static List<MediaPacket> parse(ByteBuffer body) throws FlvFormatException {
        BodyCursor c = new BodyCursor(body, WHAT);
        // E-RTMP: isExVideoHeader UB[1], videoFrameType UB[3], then videoPacketType UB[4] if the flag is set;
        // E.4.3.1 VIDEODATA: FrameType UB[4], CodecID UB[4]
        int b0 = c.u8();
        if ((b0 & 0x80) == 0) {
            return legacy(c, b0 >>> 4, b0 & 0x0F);
        }
        int frameType = (b0 >>> 4) & 0x07;
        int packetType = ExHeader.skipModEx(c, b0 & 0x0F);
        // "if (videoPacketType != Metadata && videoFrameType == Command) { videoCommand = UI8 }": no video data
        if (packetType != METADATA && frameType == COMMAND_FRAME) {
            return List.of();
        }
        boolean key = frameType == KEY_FRAME || frameType == GENERATED_KEY_FRAME;
        return ExHeader.tracks(c, packetType, MULTITRACK, WHAT,
                (out, track, fourCc, type, data) -> exTrack(out, track, fourCc, type, key, data));
    }

    private static List<MediaPacket> legacy(BodyCursor c, int frameType, int codecId) throws FlvFormatException {
        Codec codec = codecId == CODEC_AVC ? Codec.H264 : codecId == CODEC_HEVC_LEGACY ? Codec.H265 : null;
        if (codec == null || frameType == COMMAND_FRAME) {
            return List.of(); // H.263, VP6, screen video...; command frames carry a UI8 VideoCommand, no video
        }
        boolean key = frameType == KEY_FRAME || frameType == GENERATED_KEY_FRAME;
        int packetType = c.u8(); // AVCPacketType UI8: 0 sequence header, 1 NALU, 2 end of sequence
        int cts = c.si24();      // CompositionTime SI24: the offset if AVCPacketType == 1, else 0
        ByteBuffer data = c.rest();
        return switch (packetType) {
            case 0 -> config(0, codec, data);
            case 1 -> data.hasRemaining()
                    ? List.of(new MediaPacket(0, codec, PacketKind.FRAME, key, cts, data, 0, 0)) : List.of();
            case 2 -> List.of(endOfSequence(0, codec));
            default -> throw new FlvFormatException(WHAT + ": AVCPacketType " + packetType);
        };
    }

    private static void exTrack(List<MediaPacket> out, int track, int fourCc, int packetType, boolean key,
                                BodyCursor c) throws FlvFormatException {
        Codec codec = ExHeader.codec(fourCc, MediaKind.VIDEO);
        if (codec == null) {
            return; // vp08, vvc1, unknown FourCC: not carried, the caller logs
        }
        switch (packetType) {
            // SequenceStart: [AVC|HEVC]DecoderConfigurationRecord, AV1CodecConfigurationRecord,
            // VPCodecConfigurationRecord
            case SEQUENCE_START -> out.addAll(config(track, codec, c.rest()));
            case CODED_FRAMES, CODED_FRAMES_X -> {
                // CodedFrames: "if (videoFourCc == Avc | Hevc) compositionTimeOffset = SI24"; CodedFramesX: 0
                int cts = packetType == CODED_FRAMES && (codec == Codec.H264 || codec == Codec.H265) ? c.si24() : 0;
                ByteBuffer data = c.rest();
                if (data.hasRemaining()) {
                    out.add(new MediaPacket(track, codec, PacketKind.FRAME, key, cts, data, 0, 0));
                }
            }
            case SEQUENCE_END -> out.add(endOfSequence(track, codec));
            // Metadata: AMF-encoded [name, value] pairs such as ["colorInfo", Object]
            case METADATA -> out.add(new MediaPacket(track, codec, PacketKind.METADATA, false, 0, c.rest(), 0, 0));
            default -> {
                // MPEG2TSSequenceStart (AV1 video descriptor for TS carriage) and unknown types: skipped
            }
        }
    }

    /**
     * A config packet, or none for an empty sequence header: ffmpeg's flvenc writes one before it knows the
     * extradata and the real one with the first frame, so an empty one says nothing and replaces nothing.
     */
    private static List<MediaPacket> config(int track, Codec codec, ByteBuffer data) {
        return data.hasRemaining()
                ? List.of(new MediaPacket(track, codec, PacketKind.CONFIG, true, 0, data, 0, 0)) : List.of();
    }

    private static MediaPacket endOfSequence(int track, Codec codec) {
        return new MediaPacket(track, codec, PacketKind.END_OF_SEQUENCE, false, 0, ByteBuffer.allocate(0), 0, 0);
    }
}
