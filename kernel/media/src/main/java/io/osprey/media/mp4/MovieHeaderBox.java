package io.osprey.media.mp4;

import java.nio.ByteBuffer;

/**
 * {@code mvhd} (ISO 14496-12 8.2.2): creation_time, modification_time, timescale, duration (32 bits each in
 * version 0, 64 for the times and duration in version 1), rate 32 = 1.0, volume 16 = 1.0, reserved 16 + 2 x 32,
 * matrix 9 x 32, pre_defined 6 x 32, next_track_ID 32. Version 1 is used only when the duration needs it.
 */
public final class MovieHeaderBox extends FullBox {
    private final long timescale;
    private final long duration;
    private final long nextTrackId;

    public MovieHeaderBox(long timescale, long duration, long nextTrackId) {
        super("mvhd", duration > 0xFFFFFFFFL ? 1 : 0, 0);
        this.timescale = timescale;
        this.duration = duration;
        this.nextTrackId = nextTrackId;
    }

    @Override
    protected long fieldsSize() {
        return (version() == 1 ? 28 : 16) + 80;
    }

    @Override
    protected void writeFields(ByteBuffer out) {
        if (version() == 1) {
            out.putLong(0).putLong(0).putInt((int) timescale).putLong(duration);
        } else {
            out.putInt(0).putInt(0).putInt((int) timescale).putInt((int) duration);
        }
        out.putInt(0x00010000).putShort((short) 0x0100).putShort((short) 0).putLong(0);
        putUnityMatrix(out);
        for (int i = 0; i < 6; i++) {
            out.putInt(0);
        }
        out.putInt((int) nextTrackId);
    }
}
