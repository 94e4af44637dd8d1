package io.osprey.media.mp4;

import java.nio.ByteBuffer;

/**
 * {@code tkhd} (ISO 14496-12 8.3.2), flags track_enabled | track_in_movie: creation_time, modification_time,
 * track_ID 32, reserved 32, duration (32 or 64 bits by version), reserved 2 x 32, layer 16, alternate_group 16,
 * volume 16 (1.0 for audio), reserved 16, matrix 9 x 32, width 32 and height 32 as 16.16 fixed point.
 */
public final class TrackHeaderBox extends FullBox {
    private final int trackId;
    private final long duration;
    private final boolean audio;
    private final int width;
    private final int height;

    public TrackHeaderBox(int trackId, long duration, boolean audio, int width, int height) {
        super("tkhd", duration > 0xFFFFFFFFL ? 1 : 0, 0x000003);
        this.trackId = trackId;
        this.duration = duration;
        this.audio = audio;
        this.width = width;
        this.height = height;
    }

    @Override
    protected long fieldsSize() {
        return (version() == 1 ? 32 : 20) + 60;
    }

    @Override
    protected void writeFields(ByteBuffer out) {
        if (version() == 1) {
            out.putLong(0).putLong(0).putInt(trackId).putInt(0).putLong(duration);
        } else {
            out.putInt(0).putInt(0).putInt(trackId).putInt(0).putInt((int) duration);
        }
        out.putLong(0).putShort((short) 0).putShort((short) 0);
        out.putShort((short) (audio ? 0x0100 : 0)).putShort((short) 0);
        putUnityMatrix(out);
        out.putInt(width << 16).putInt(height << 16);
    }
}
