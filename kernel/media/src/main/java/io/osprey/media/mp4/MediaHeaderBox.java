package io.osprey.media.mp4;

import java.nio.ByteBuffer;

/**
 * {@code mdhd} (ISO 14496-12 8.4.2): creation_time, modification_time, timescale 32, duration (32 or 64 bits by
 * version), pad 1 + language 15 (ISO 639-2/T, three 5-bit letters offset by 0x60; 'und'), pre_defined 16.
 */
public final class MediaHeaderBox extends FullBox {
    /** 'und' packed: (('u' - 0x60) << 10) | (('n' - 0x60) << 5) | ('d' - 0x60). */
    static final int UNDETERMINED = 0x55C4;
    private final long timescale;
    private final long duration;

    public MediaHeaderBox(long timescale, long duration) {
        super("mdhd", duration > 0xFFFFFFFFL ? 1 : 0, 0);
        this.timescale = timescale;
        this.duration = duration;
    }

    @Override
    protected long fieldsSize() {
        return version() == 1 ? 32 : 20;
    }

    @Override
    protected void writeFields(ByteBuffer out) {
        if (version() == 1) {
            out.putLong(0).putLong(0).putInt((int) timescale).putLong(duration);
        } else {
            out.putInt(0).putInt(0).putInt((int) timescale).putInt((int) duration);
        }
        out.putShort((short) UNDETERMINED).putShort((short) 0);
    }
}
