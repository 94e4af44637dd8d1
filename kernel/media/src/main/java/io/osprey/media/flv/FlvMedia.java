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
 * log.appendOnce(frame, FlvMedia.tagSize(frame, track), into -> FlvMedia.writeTag(frame, track, into));
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
        if (f.codec().kind() != MediaKind.VIDEO) {
            throw new IllegalArgumentException("not a video frame: " + f);
        }
        return body(f, null);
    }

    /**
     * The AUDIODATA body for an audio frame. AAC on track 0: {@code 0xAF} (E.4.2.1: "If the SoundFormat indicates
     * AAC, the SoundType should be set to 1 (stereo) and the SoundRate should be set to 3 (44 kHz)"), then
     * AACPacketType 0 (config) or 1. MP3 on track 0: SoundFormat 2 (14 at 8 kHz) with SoundRate and SoundType from
     * {@code track} (44.1 kHz stereo if unknown or {@code null}). Opus, and any codec on another track: E-RTMP with
     * the FourCC; an Opus config is sent as an RFC 7845 OpusHead.
     */
    public static ByteBuffer audioBody(Frame f, TrackInfo track) {
        if (f.codec().kind() != MediaKind.AUDIO) {
            throw new IllegalArgumentException("not an audio frame: " + f);
        }
        return body(f, track);
    }

    /** The SCRIPTDATA body of a data frame: its AMF0 payload as is. */
    public static ByteBuffer scriptBody(Frame f) {
        if (f.kind() != MediaKind.DATA) {
            throw new IllegalArgumentException("not a data frame: " + f);
        }
        return f.payload();
    }

    /**
     * The complete FLV tag for {@code f} (header, body, PreviousTagSize), timestamped with its dts cut to 32 bits,
     * in one new heap buffer. {@code track} gives MP3 its rate and channels and may be {@code null} for other codecs.
     * To build the tag where it is kept (a shared log), use {@link #tagSize} and {@link #writeTag} instead.
     */
    public static ByteBuffer tag(Frame f, TrackInfo track) {
        ByteBuffer out = ByteBuffer.allocate(tagSize(f, track));
        writeTag(f, track, out);
        return out.flip();
    }

    /** Bytes {@link #writeTag} writes for {@code f}. */
    public static int tagSize(Frame f, TrackInfo track) {
        return FlvTagWriter.encodedSize(bodyHeaderSize(f) + payload(f).remaining());
    }

    /**
     * Writes {@code f}'s complete FLV tag (E.4.1 tag header, the body's own header, the frame's payload, E.3
     * PreviousTagSize) at {@code into}'s position, {@link #tagSize} bytes: the payload is copied once, straight from
     * the frame, with no intermediate body or tag buffer.
     *
     * @throws IllegalArgumentException if the frame cannot be an FLV tag (an MP3 config) or its body is over 16 MiB
     */
    public static void writeTag(Frame f, TrackInfo track, ByteBuffer into) {
        ByteBuffer payload = payload(f);
        int bodyLength = bodyHeaderSize(f) + payload.remaining();
        int type = switch (f.kind()) {
            case VIDEO -> FlvTag.VIDEO;
            case AUDIO -> FlvTag.AUDIO;
            case DATA -> FlvTag.SCRIPT;
        };
        FlvTagWriter.putHeader(into, type, f.dts(), bodyLength);
        putBodyHeader(f, track, into);
        into.put(payload);
        into.putInt(FlvTagWriter.TAG_HEADER_SIZE + bodyLength); // E.3 PreviousTagSize UI32
    }

    /** A body in a new heap buffer: its header, then the payload. */
    private static ByteBuffer body(Frame f, TrackInfo track) {
        ByteBuffer payload = payload(f);
        ByteBuffer out = ByteBuffer.allocate(bodyHeaderSize(f) + payload.remaining());
        putBodyHeader(f, track, out);
        return out.put(payload).flip();
    }

    /** What follows the body's header: the frame's payload, or for an Opus config its RFC 7845 OpusHead. */
    private static ByteBuffer payload(Frame f) {
        Codec codec = f.codec();
        if (f.kind() == MediaKind.AUDIO && codec == Codec.MP3 && f.isConfig()) {
            throw new IllegalArgumentException("MP3 has no config: " + f);
        }
        if (f.kind() == MediaKind.AUDIO && codec == Codec.OPUS && f.isConfig()) {
            return OpusHeader.toHead(f.payload());
        }
        return f.payload();
    }

    private static int bodyHeaderSize(Frame f) {
        Codec codec = f.codec();
        return switch (f.kind()) {
            case VIDEO -> {
                if (codec == Codec.H264 && f.track() == 0) {
                    yield 5;
                }
                boolean withCts = !f.isConfig() && (codec == Codec.H264 || codec == Codec.H265);
                yield exHeaderSize(f.track()) + (withCts ? 3 : 0);
            }
            case AUDIO -> f.track() == 0 && codec == Codec.AAC ? 2
                    : f.track() == 0 && codec == Codec.MP3 ? 1 : exHeaderSize(f.track());
            case DATA -> 0;
        };
    }

    private static void putBodyHeader(Frame f, TrackInfo track, ByteBuffer out) {
        if (f.kind() == MediaKind.DATA) {
            return; // SCRIPTDATA: the AMF0 payload is the whole body
        }
        Codec codec = f.codec();
        if (f.kind() == MediaKind.VIDEO) {
            // E.4.3.1 FrameType / E-RTMP videoFrameType: 1 = key frame, 2 = inter frame
            int frameType = f.isKey() ? VideoTagParser.KEY_FRAME : VideoTagParser.INTER_FRAME;
            if (codec == Codec.H264 && f.track() == 0) {
                out.put((byte) (frameType << 4 | VideoTagParser.CODEC_AVC)); // FrameType UB[4], CodecID UB[4] = 7
                out.put((byte) (f.isConfig() ? 0 : 1));                        // AVCPacketType UI8
                FlvTagWriter.putU24(out, f.isConfig() ? 0 : clampSi24(f.cts())); // CompositionTime SI24
                return;
            }
            int packetType = f.isConfig() ? VideoTagParser.SEQUENCE_START : VideoTagParser.CODED_FRAMES;
            exHeader(out, 0x80 | frameType << 4, packetType, VideoTagParser.MULTITRACK, codec, f.track());
            if (!f.isConfig() && (codec == Codec.H264 || codec == Codec.H265)) {
                FlvTagWriter.putU24(out, clampSi24(f.cts())); // compositionTimeOffset SI24
            }
        } else {
            if (f.track() == 0 && codec == Codec.AAC) {
                out.put((byte) (AudioTagParser.FORMAT_AAC << 4 | 3 << 2 | SOUND_SIZE_16_BIT | SOUND_TYPE_STEREO));
                out.put((byte) (f.isConfig() ? 0 : 1)); // AACPacketType UI8
            } else if (f.track() == 0 && codec == Codec.MP3) {
                int rate = track == null || track.sampleRate() == 0 ? 44100 : track.sampleRate();
                boolean mono = track != null && track.channels() == 1;
                int format = rate == 8000 ? AudioTagParser.FORMAT_MP3_8K : AudioTagParser.FORMAT_MP3;
                int rateBits = rate >= 44100 ? 3 : rate >= 22050 ? 2 : rate >= 11025 ? 1 : 0;
                out.put((byte) (format << 4 | rateBits << 2 | SOUND_SIZE_16_BIT | (mono ? 0 : SOUND_TYPE_STEREO)));
            } else {
                int packetType = f.isConfig() ? AudioTagParser.SEQUENCE_START : AudioTagParser.CODED_FRAMES;
                exHeader(out, AudioTagParser.FORMAT_EX_HEADER << 4, packetType, AudioTagParser.MULTITRACK, codec,
                        f.track());
            }
        }
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
