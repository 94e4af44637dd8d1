package io.osprey.media.flv;

import io.osprey.media.amf0.Amf0EcmaArray;
import io.osprey.media.amf0.Amf0Writer;
import io.osprey.spi.bus.Codec;
import io.osprey.spi.bus.Frame;
import io.osprey.spi.bus.MediaKind;
import io.osprey.spi.bus.TrackInfo;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;

/**
 * The bridge between FLV/RTMP audio and video tag bodies (RTMP message types 8 and 9 carry exactly these) and bus
 * {@link Frame}s, for RTMP ingest, HTTP-FLV output and recording.
 *
 * <p>Parsing reads untrusted bodies: a codec we do not carry gives an empty list (log and ignore); a malformed or
 * truncated body, including an empty one (HOSTILE-INPUTS E1), is a {@link FlvFormatException}; an empty sequence
 * header yields nothing (ffmpeg sends one before it knows the codec config). Payloads of the
 * returned packets share the body's bytes. Encoding writes legacy FLV where every player understands it (H.264 and
 * AAC/MP3 on track 0) and Enhanced RTMP v2 otherwise (HEVC, AV1, VP9, Opus, and any track other than 0 as a
 * OneTrack multitrack body); {@code parse(encode(frame))} gives the frame back.
 *
 * <pre>{@code
 * for (MediaPacket p : FlvMedia.parseVideo(message.payload())) {
 *     if (p.kind() == PacketKind.CONFIG || p.kind() == PacketKind.FRAME) publisher.push(p.toFrame(dts));
 * }
 * ByteBuffer tag = frame.memo(FLV_TAG, f -> FlvMedia.tag(f, track)).duplicate();
 * }</pre>
 */
public final class FlvMedia {

    private static final int SOUND_SIZE_16_BIT = 0x02;
    private static final int SOUND_TYPE_STEREO = 0x01;

    private FlvMedia() {
    }

    /** The packets in a VIDEODATA body (E.4.3.1 or E-RTMP ExVideoTagHeader); the body's position does not move. */
    public static List<MediaPacket> parseVideo(ByteBuffer body) throws FlvFormatException {
        return VideoTagParser.parse(body);
    }

    /** The packets in an AUDIODATA body (E.4.2.1 or E-RTMP ExAudioTagHeader); the body's position does not move. */
    public static List<MediaPacket> parseAudio(ByteBuffer body) throws FlvFormatException {
        return AudioTagParser.parse(body);
    }

    /**
     * The VIDEODATA body for a video frame. H.264 on track 0: legacy {@code 0x17}/{@code 0x27}, AVCPacketType 0
     * (config) or 1, SI24 CompositionTime. Otherwise E-RTMP: SequenceStart or CodedFrames with the FourCC (SI24
     * composition time for avc1 and hvc1 only: AV1 and VP9 frames carry none, so their cts is not kept).
     */
    public static ByteBuffer videoBody(Frame f) {
        Codec codec = f.codec();
        if (codec.kind() != MediaKind.VIDEO) {
            throw new IllegalArgumentException("not a video frame: " + f);
        }
        ByteBuffer payload = f.payload();
        // E.4.3.1 FrameType / E-RTMP videoFrameType: 1 = key frame, 2 = inter frame
        int frameType = f.isKey() ? VideoTagParser.KEY_FRAME : VideoTagParser.INTER_FRAME;
        boolean nalUnits = codec == Codec.H264 || codec == Codec.H265;
        int cts = clampSi24(f.cts());
        if (codec == Codec.H264 && f.track() == 0) {
            ByteBuffer out = ByteBuffer.allocate(5 + payload.remaining());
            out.put((byte) (frameType << 4 | VideoTagParser.CODEC_AVC)); // FrameType UB[4], CodecID UB[4] = 7
            out.put((byte) (f.isConfig() ? 0 : 1));                        // AVCPacketType UI8
            FlvTagWriter.putU24(out, f.isConfig() ? 0 : cts);              // CompositionTime SI24
            return out.put(payload).flip();
        }
        int packetType = f.isConfig() ? VideoTagParser.SEQUENCE_START : VideoTagParser.CODED_FRAMES;
        boolean withCts = !f.isConfig() && nalUnits;
        ByteBuffer out = ByteBuffer.allocate(exHeaderSize(f.track()) + (withCts ? 3 : 0) + payload.remaining());
        exHeader(out, 0x80 | frameType << 4, packetType, VideoTagParser.MULTITRACK, codec, f.track());
        if (withCts) {
            FlvTagWriter.putU24(out, cts); // compositionTimeOffset SI24
        }
        return out.put(payload).flip();
    }

    /**
     * The AUDIODATA body for an audio frame. AAC on track 0: {@code 0xAF} (E.4.2.1: "If the SoundFormat indicates
     * AAC, the SoundType should be set to 1 (stereo) and the SoundRate should be set to 3 (44 kHz)"), then
     * AACPacketType 0 (config) or 1. MP3 on track 0: SoundFormat 2 (14 at 8 kHz) with SoundRate and SoundType from
     * {@code track} (44.1 kHz stereo if unknown or {@code null}). Opus, and any codec on another track: E-RTMP with
     * the FourCC; an Opus config is sent as an RFC 7845 OpusHead.
     */
    public static ByteBuffer audioBody(Frame f, TrackInfo track) {
        Codec codec = f.codec();
        if (codec.kind() != MediaKind.AUDIO) {
            throw new IllegalArgumentException("not an audio frame: " + f);
        }
        if (codec == Codec.MP3 && f.isConfig()) {
            throw new IllegalArgumentException("MP3 has no config: " + f);
        }
        ByteBuffer payload = f.payload();
        if (f.track() == 0 && codec == Codec.AAC) {
            ByteBuffer out = ByteBuffer.allocate(2 + payload.remaining());
            out.put((byte) (AudioTagParser.FORMAT_AAC << 4 | 3 << 2 | SOUND_SIZE_16_BIT | SOUND_TYPE_STEREO));
            out.put((byte) (f.isConfig() ? 0 : 1)); // AACPacketType UI8
            return out.put(payload).flip();
        }
        if (f.track() == 0 && codec == Codec.MP3) {
            int rate = track == null || track.sampleRate() == 0 ? 44100 : track.sampleRate();
            boolean mono = track != null && track.channels() == 1;
            int format = rate == 8000 ? AudioTagParser.FORMAT_MP3_8K : AudioTagParser.FORMAT_MP3;
            int rateBits = rate >= 44100 ? 3 : rate >= 22050 ? 2 : rate >= 11025 ? 1 : 0;
            ByteBuffer out = ByteBuffer.allocate(1 + payload.remaining());
            out.put((byte) (format << 4 | rateBits << 2 | SOUND_SIZE_16_BIT | (mono ? 0 : SOUND_TYPE_STEREO)));
            return out.put(payload).flip();
        }
        if (codec == Codec.OPUS && f.isConfig()) {
            payload = OpusHeader.toHead(payload);
        }
        int packetType = f.isConfig() ? AudioTagParser.SEQUENCE_START : AudioTagParser.CODED_FRAMES;
        ByteBuffer out = ByteBuffer.allocate(exHeaderSize(f.track()) + payload.remaining());
        exHeader(out, AudioTagParser.FORMAT_EX_HEADER << 4, packetType, AudioTagParser.MULTITRACK, codec, f.track());
        return out.put(payload).flip();
    }

    /** The SCRIPTDATA body of a data frame: its AMF0 payload as is. */
    public static ByteBuffer scriptBody(Frame f) {
        if (f.kind() != MediaKind.DATA) {
            throw new IllegalArgumentException("not a data frame: " + f);
        }
        return f.payload();
    }

    /**
     * The complete FLV tag for {@code f} (header, body, PreviousTagSize), timestamped with its dts cut to 32 bits.
     * {@code track} gives MP3 its rate and channels and may be {@code null} for other codecs.
     */
    public static ByteBuffer tag(Frame f, TrackInfo track) {
        return switch (f.kind()) {
            case VIDEO -> FlvTagWriter.encode(FlvTag.VIDEO, f.dts(), videoBody(f));
            case AUDIO -> FlvTagWriter.encode(FlvTag.AUDIO, f.dts(), audioBody(f, track));
            case DATA -> FlvTagWriter.encode(FlvTag.SCRIPT, f.dts(), scriptBody(f));
        };
    }

    /** An {@code onMetaData} SCRIPT tag at timestamp 0: the name, then {@code metadata} as an ECMA array. */
    public static ByteBuffer metadataTag(Map<String, Object> metadata) {
        Amf0EcmaArray array = metadata instanceof Amf0EcmaArray a ? a : new Amf0EcmaArray(metadata);
        return FlvTagWriter.encode(FlvTag.SCRIPT, 0, ByteBuffer.wrap(Amf0Writer.encode("onMetaData", array)));
    }

    private static int exHeaderSize(int track) {
        return track == 0 ? 5 : 7; // header byte + FOURCC, or header byte + multitrack byte + FOURCC + trackId
    }

    /**
     * E-RTMP: the first byte ({@code firstBits} | packetType), then FOURCC; for track != 0 the Multitrack form
     * "multitrackType = UB[4] (OneTrack), packetType = UB[4], FOURCC, trackId = UI8".
     */
    private static void exHeader(ByteBuffer out, int firstBits, int packetType, int multitrack, Codec codec,
                                 int track) {
        int fourCc = ExHeader.fourCc(codec.fourCc());
        if (track == 0) {
            out.put((byte) (firstBits | packetType)).putInt(fourCc);
        } else {
            out.put((byte) (firstBits | multitrack));
            out.put((byte) (ExHeader.ONE_TRACK << 4 | packetType));
            out.putInt(fourCc).put((byte) track);
        }
    }

    private static int clampSi24(int v) {
        return Math.max(-0x800000, Math.min(0x7FFFFF, v));
    }
}
