package io.osprey.media.mp4;

import java.nio.ByteBuffer;
import java.util.Arrays;

/** {@code co64} (ISO 14496-12 8.7.5): entry_count 32, then chunk_offset 64 for files past 4 GiB. */
public final class ChunkLargeOffsetBox extends FullBox {
    private final long[] offsets;

    public ChunkLargeOffsetBox(long[] offsets, int n) {
        super("co64", 0, 0);
        this.offsets = Arrays.copyOf(offsets, n);
    }

    /** {@code stco} when every offset fits 32 bits, else {@code co64}. */
    public static FullBox of(long[] offsets, int n) {
        for (int i = 0; i < n; i++) {
            if (offsets[i] > 0xFFFFFFFFL) {
                return new ChunkLargeOffsetBox(offsets, n);
            }
        }
        return new ChunkOffsetBox(offsets, n);
    }

    @Override
    protected long fieldsSize() {
        return 4 + 8L * offsets.length;
    }

    @Override
    protected void writeFields(ByteBuffer out) {
        out.putInt(offsets.length);
        for (long o : offsets) {
            out.putLong(o);
        }
    }
}
