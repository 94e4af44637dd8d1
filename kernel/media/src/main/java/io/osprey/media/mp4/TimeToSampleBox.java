package io.osprey.media.mp4;

import java.nio.ByteBuffer;

/** {@code stts} (ISO 14496-12 8.6.1.2): entry_count 32, then (sample_count 32, sample_delta 32) runs. */
public final class TimeToSampleBox extends FullBox {
    private final int[] counts;
    private final int[] deltas;

    /** Runs of equal deltas; empty arrays give the empty table of a fragmented file's init segment. */
    public TimeToSampleBox(int[] counts, int[] deltas) {
        super("stts", 0, 0);
        if (counts.length != deltas.length) {
            throw new IllegalArgumentException("counts and deltas differ in length");
        }
        this.counts = counts.clone();
        this.deltas = deltas.clone();
    }

    /** Run-length encodes the first {@code n} sample durations. */
    public static TimeToSampleBox of(int[] durations, int n) {
        RunLength runs = RunLength.of(durations, n);
        return new TimeToSampleBox(runs.counts(), runs.values());
    }

    @Override
    protected long fieldsSize() {
        return 4 + 8L * counts.length;
    }

    @Override
    protected void writeFields(ByteBuffer out) {
        out.putInt(counts.length);
        for (int i = 0; i < counts.length; i++) {
            out.putInt(counts[i]).putInt(deltas[i]);
        }
    }
}
