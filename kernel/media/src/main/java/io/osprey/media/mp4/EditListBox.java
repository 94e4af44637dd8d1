package io.osprey.media.mp4;

import java.nio.ByteBuffer;

/**
 * {@code elst} (ISO 14496-12 8.6.6): entry_count 32, then per edit segment_duration (movie timescale) and
 * media_time (media timescale, -1 = empty edit), 32 bits each in version 0 and 64 in version 1, then
 * media_rate_integer 16 = 1, media_rate_fraction 16 = 0. Used to start presentation at the first sample's
 * composition time and, with a leading empty edit, to delay a track that starts later than the movie.
 */
public final class EditListBox extends FullBox {
    private final long[] segmentDurations;
    private final long[] mediaTimes;

    /** One edit. */
    public EditListBox(long segmentDuration, long mediaTime) {
        this(new long[] {segmentDuration}, new long[] {mediaTime});
    }

    /** Edits in presentation order; version 1 when any value needs 64 bits. */
    public EditListBox(long[] segmentDurations, long[] mediaTimes) {
        super("elst", needsVersion1(segmentDurations, mediaTimes) ? 1 : 0, 0);
        if (segmentDurations.length != mediaTimes.length || segmentDurations.length == 0) {
            throw new IllegalArgumentException("one media time per segment duration, at least one edit");
        }
        for (int i = 0; i < segmentDurations.length; i++) {
            if (segmentDurations[i] < 0 || mediaTimes[i] < -1) {
                throw new IllegalArgumentException("edit " + i + ": negative duration or media time");
            }
        }
        this.segmentDurations = segmentDurations.clone();
        this.mediaTimes = mediaTimes.clone();
    }

    /**
     * The usual progressive-file edit list: an empty edit of {@code delay} (movie timescale) when the track starts
     * after the movie does (left out when 0), then {@code duration} of media from {@code mediaTime}.
     */
    public static EditListBox delayed(long delay, long duration, long mediaTime) {
        if (delay <= 0) {
            return new EditListBox(duration, mediaTime);
        }
        return new EditListBox(new long[] {delay, duration}, new long[] {-1, mediaTime});
    }

    public int entryCount() {
        return segmentDurations.length;
    }

    private static boolean needsVersion1(long[] durations, long[] times) {
        for (long d : durations) {
            if (d > 0xFFFFFFFFL) {
                return true;
            }
        }
        for (long t : times) {
            if (t > Integer.MAX_VALUE || t < Integer.MIN_VALUE) {
                return true;
            }
        }
        return false;
    }

    @Override
    protected long fieldsSize() {
        return 4 + (long) segmentDurations.length * (version() == 1 ? 20 : 12);
    }

    @Override
    protected void writeFields(ByteBuffer out) {
        out.putInt(segmentDurations.length);
        for (int i = 0; i < segmentDurations.length; i++) {
            if (version() == 1) {
                out.putLong(segmentDurations[i]).putLong(mediaTimes[i]);
            } else {
                out.putInt((int) segmentDurations[i]).putInt((int) mediaTimes[i]);
            }
            out.putShort((short) 1).putShort((short) 0);
        }
    }
}
