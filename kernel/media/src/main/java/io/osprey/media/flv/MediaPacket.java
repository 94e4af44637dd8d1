package io.osprey.media.flv;

import io.osprey.spi.bus.Codec;
import io.osprey.spi.bus.Frame;
import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * One unit found in an FLV/RTMP audio or video tag body; a body may hold several (Enhanced RTMP multitrack).
 *
 * @param track      the track id: 0 for legacy and single-track bodies, the E-RTMP trackId (0-255) otherwise
 * @param codec      the codec
 * @param kind       what the payload is
 * @param key        a video key frame (FrameType 1 or 4), or any audio unit or config
 * @param cts        composition offset in milliseconds (pts - dts), 0 where the format has none
 * @param payload    codec config, media data, AMF0 video metadata or an E-RTMP MultichannelConfig body; a view
 *                   sharing the tag body's bytes (a new buffer only for an Opus config, converted to {@code dOps})
 * @param sampleRate audio sample rate in Hz where the tag says it (legacy MP3: SoundRate; Opus config: 48000),
 *                   else 0: for AAC read the AudioSpecificConfig
 * @param channels   audio channels where the tag says it (legacy MP3: SoundType; Opus config; MultichannelConfig),
 *                   else 0
 */
public record MediaPacket(int track, Codec codec, PacketKind kind, boolean key, int cts, ByteBuffer payload,
                          int sampleRate, int channels) {

    /** What a {@link MediaPacket} carries. */
    public enum PacketKind {
        /** A codec config (sequence header / SequenceStart). */
        CONFIG,
        /** Coded media. */
        FRAME,
        /** End of sequence (AVCPacketType 2 / SequenceEnd); empty payload. */
        END_OF_SEQUENCE,
        /** Video: AMF0 metadata such as {@code colorInfo}. Audio: a MultichannelConfig body. */
        METADATA
    }

    public MediaPacket {
        Objects.requireNonNull(codec, "codec");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(payload, "payload");
    }

    /**
     * The bus frame for a {@link PacketKind#CONFIG} or {@link PacketKind#FRAME} packet at decode time {@code dts}.
     *
     * @throws IllegalStateException for other kinds, which have no frame
     */
    public Frame toFrame(long dts) {
        return switch (kind) {
            case CONFIG -> Frame.config(track, codec, dts, payload);
            case FRAME -> Frame.media(track, codec, dts, cts, key, payload);
            default -> throw new IllegalStateException(kind + " has no frame");
        };
    }
}
