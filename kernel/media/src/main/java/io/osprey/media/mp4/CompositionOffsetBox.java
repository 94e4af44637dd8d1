package io.osprey.media.mp4;

import java.nio.ByteBuffer;

/**
 * {@code ctts} (ISO 14496-12 8.6.1.3): entry_count 32, then (sample_count 32, sample_offset 32) runs; version 1
 * (signed offsets) only when an offset is negative.
 */
public final class CompositionOffsetBox extends FullBox {
    private final int[] counts;
    private final int[] offsets;

    public CompositionOffsetBox(int[] counts, int[] offsets) {
        super("ctts", anyNegative(offsets) ? 1 : 0, 0);
        if (counts.length != offsets.length) {
            throw new IllegalArgumentException("counts and offsets differ in length");
        }
        this.counts = counts.clone();
        this.offsets = offsets.clone();
    }

    /** Run-length encodes the first {@code n} composition offsets. */
    public static CompositionOffsetBox of(int[] offsets, int n) {
        RunLength runs = RunLength.of(offsets, n);
        return new CompositionOffsetBox(runs.counts(), runs.values());
    }

    private static boolean anyNegative(int[] values) {
        for (int v : values) {
            if (v < 0) {
                return true;
            }
        }
        return false;
    }

    @Override
    protected long fieldsSize() {
        return 4 + 8L * counts.length;
    }

    @Override
    protected void writeFields(ByteBuffer out) {
        out.putInt(counts.length);
        for (int i = 0; i < counts.length; i++) {
            out.putInt(counts[i]).putInt(offsets[i]);
        }
    }
}
