package io.osprey.media.flv;

import io.osprey.media.flv.MediaPacket.PacketKind;
import io.osprey.spi.bus.Codec;
import io.osprey.spi.bus.MediaKind;
import java.nio.ByteBuffer;
import java.util.List;

/** Parses an AUDIODATA body: legacy FLV (E.4.2.1) AAC and MP3, and the Enhanced RTMP v2 ExAudioTagHeader. */
final class AudioTagParser {

    private static final String WHAT = "FLV audio tag";

    // E.4.2.1 SoundFormat; 9 is E-RTMP ExHeader
    static final int FORMAT_MP3 = 2;
    static final int FORMAT_EX_HEADER = 9;
    static final int FORMAT_AAC = 10;
    static final int FORMAT_MP3_8K = 14;
    /** E.4.2.1 SoundRate: 0 = 5.5 kHz, 1 = 11 kHz, 2 = 22 kHz, 3 = 44 kHz. */
    static final int[] SOUND_RATES = {5512, 11025, 22050, 44100};
    // E-RTMP AudioPacketType
    static final int SEQUENCE_START = 0;
    static final int CODED_FRAMES = 1;
    static final int SEQUENCE_END = 2;
    static final int MULTICHANNEL_CONFIG = 4;
    static final int MULTITRACK = 5;
    // E-RTMP AudioChannelOrder
    private static final int ORDER_NATIVE = 1;
    private static final int ORDER_CUSTOM = 2;

    private AudioTagParser() {
    }

    static List<MediaPacket> parse(ByteBuffer body) throws FlvFormatException {
        BodyCursor c = new BodyCursor(body, WHAT);
        // E.4.2.1 AUDIODATA: SoundFormat UB[4], SoundRate UB[2], SoundSize UB[1], SoundType UB[1];
        // E-RTMP: if (soundFormat == ExHeader) the low UB[4] is audioPacketType instead
        int b0 = c.u8();
        int format = b0 >>> 4;
        if (format == FORMAT_EX_HEADER) {
            int packetType = ExHeader.skipModEx(c, b0 & 0x0F);
            return ExHeader.tracks(c, packetType, MULTITRACK, WHAT, AudioTagParser::exTrack);
        }
        int rate = SOUND_RATES[(b0 >>> 2) & 0x03];
        int channels = (b0 & 0x01) + 1; // SoundType: 0 = mono, 1 = stereo
        switch (format) {
            case FORMAT_AAC -> {
                // AACPacketType UI8: 0 = AAC sequence header (AudioSpecificConfig), 1 = AAC raw. The spec fixes
                // SoundRate 3 and SoundType 1 for AAC, so the real rate and channels are in the config.
                int packetType = c.u8();
                ByteBuffer data = c.rest();
                return switch (packetType) {
                    case 0 -> config(0, Codec.AAC, data);
                    case 1 -> frame(0, Codec.AAC, data, 0, 0);
                    default -> throw new FlvFormatException(WHAT + ": AACPacketType " + packetType);
                };
            }
            case FORMAT_MP3 -> {
                return frame(0, Codec.MP3, c.rest(), rate, channels);
            }
            case FORMAT_MP3_8K -> {
                return frame(0, Codec.MP3, c.rest(), 8000, channels);
            }
            default -> {
                return List.of(); // PCM, ADPCM, Nellymoser, G.711, Speex, device-specific: not carried
            }
        }
    }

    private static void exTrack(List<MediaPacket> out, int track, int fourCc, int packetType, BodyCursor c)
            throws FlvFormatException {
        Codec codec = ExHeader.codec(fourCc, MediaKind.AUDIO);
        if (codec == null) {
            return; // fLaC, ac-3, ec-3, unknown FourCC: not carried, the caller logs
        }
        switch (packetType) {
            case SEQUENCE_START -> {
                if (codec == Codec.OPUS) {
                    // "Opus Sequence header (a.k.a., ID header)", RFC 7845 5.1. It may be empty ("default to
                    // mono/stereo mode"): then, as for every empty sequence header, there is no config to pass on.
                    ByteBuffer dops = OpusHeader.toDops(c.rest());
                    if (dops.hasRemaining()) {
                        out.add(new MediaPacket(track, codec, PacketKind.CONFIG, true, 0, dops, 48000,
                                OpusHeader.channels(dops)));
                    }
                } else if (codec == Codec.AAC) {
                    out.addAll(config(track, codec, c.rest())); // AacSequenceHeader = AudioSpecificConfig
                }
                // MP3 has no sequence header
            }
            case CODED_FRAMES -> out.addAll(frame(track, codec, c.rest(), 0, 0));
            case SEQUENCE_END -> out.add(new MediaPacket(track, codec, PacketKind.END_OF_SEQUENCE, true, 0,
                    ByteBuffer.allocate(0), 0, 0));
            case MULTICHANNEL_CONFIG -> {
                // audioChannelOrder UI8, channelCount UI8, then audioChannelMapping UI8[channelCount] if Custom or
                // audioChannelFlags UI32 if Native
                ByteBuffer all = c.rest();
                BodyCursor m = new BodyCursor(all, WHAT);
                int order = m.u8();
                int channels = m.u8();
                if (order == ORDER_CUSTOM) {
                    m.skip(channels);
                } else if (order == ORDER_NATIVE) {
                    m.skip(4);
                }
                out.add(new MediaPacket(track, codec, PacketKind.METADATA, true, 0, all, 0, channels));
            }
            default -> {
                // unknown AudioPacketType: skipped
            }
        }
    }

    /** A config packet, or none for an empty sequence header (see {@link VideoTagParser}). */
    private static List<MediaPacket> config(int track, Codec codec, ByteBuffer data) {
        return data.hasRemaining()
                ? List.of(new MediaPacket(track, codec, PacketKind.CONFIG, true, 0, data, 0, 0)) : List.of();
    }

    private static List<MediaPacket> frame(int track, Codec codec, ByteBuffer data, int rate, int channels) {
        return data.hasRemaining()
                ? List.of(new MediaPacket(track, codec, PacketKind.FRAME, true, 0, data, rate, channels))
                : List.of();
    }
}
