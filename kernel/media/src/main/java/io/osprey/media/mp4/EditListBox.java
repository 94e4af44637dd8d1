package io.osprey.media.mp4;

import java.nio.ByteBuffer;

/**
 * {@code elst} (ISO 14496-12 8.6.6) with one edit: segment_duration (movie timescale) and media_time (media
 * timescale, -1 = empty edit), 32 bits in version 0 and 64 in version 1, then media_rate_integer 16 = 1,
 * media_rate_fraction 16 = 0. Used to start presentation at the first sample's composition time.
 */
public final class EditListBox extends FullBox {
    private final long segmentDuration;
    private final long mediaTime;

    public EditListBox(long segmentDuration, long mediaTime) {
        super("elst", segmentDuration > 0xFFFFFFFFL || mediaTime > Integer.MAX_VALUE
                || mediaTime < Integer.MIN_VALUE ? 1 : 0, 0);
        this.segmentDuration = segmentDuration;
        this.mediaTime = mediaTime;
    }

    @Override
    protected long fieldsSize() {
        return 4 + (version() == 1 ? 20 : 12);
    }

    @Override
    protected void writeFields(ByteBuffer out) {
        out.putInt(1);
        if (version() == 1) {
            out.putLong(segmentDuration).putLong(mediaTime);
        } else {
            out.putInt((int) segmentDuration).putInt((int) mediaTime);
        }
        out.putShort((short) 1).putShort((short) 0);
    }
}
