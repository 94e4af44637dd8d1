package io.osprey.spi.bus;

import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * A track of a live stream and its codec config. Immutable; the config bytes are read-only and shared.
 *
 * @param id         the publisher's track number, 0 for the main video and audio tracks, 1.. for extra tracks
 *                   (Enhanced RTMP multitrack); unique per kind
 * @param codec      the codec
 * @param config     the codec config record (see {@link Codec}), empty if none yet
 * @param width      video width in pixels, 0 if unknown or audio
 * @param height     video height in pixels, 0 if unknown or audio
 * @param frameRate  video frames per second as signalled by the publisher, 0 if unknown
 * @param sampleRate audio sample rate in Hz, 0 if unknown or video
 * @param channels   audio channels, 0 if unknown or video
 */
public record TrackInfo(int id, Codec codec, ByteBuffer config, int width, int height, double frameRate,
                        int sampleRate, int channels) {

    public TrackInfo {
        Objects.requireNonNull(codec, "codec");
        if (id < 0 || id > 255) {
            throw new IllegalArgumentException("track id out of range: " + id);
        }
        config = config == null ? ByteBuffer.allocate(0).asReadOnlyBuffer() : config.asReadOnlyBuffer();
        if (width < 0 || height < 0 || sampleRate < 0 || channels < 0 || !(frameRate >= 0)) {
            throw new IllegalArgumentException("negative track dimension");
        }
    }

    public static TrackInfo video(int id, Codec codec, ByteBuffer config, int width, int height, double fps) {
        return new TrackInfo(id, codec, config, width, height, fps, 0, 0);
    }

    public static TrackInfo audio(int id, Codec codec, ByteBuffer config, int sampleRate, int channels) {
        return new TrackInfo(id, codec, config, 0, 0, 0, sampleRate, channels);
    }

    public MediaKind kind() {
        return codec.kind();
    }

    /** A fresh read-only view of the config bytes (position 0), safe to consume. */
    @Override
    public ByteBuffer config() {
        return config.duplicate();
    }

    /** Whether {@code other} describes the same codec and config bytes. */
    public boolean sameConfig(TrackInfo other) {
        return other != null && other.codec == codec && other.config.equals(config);
    }
}
