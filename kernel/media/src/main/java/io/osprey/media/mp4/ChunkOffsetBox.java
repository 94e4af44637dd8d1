package io.osprey.media.mp4;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * {@code stco} (ISO 14496-12 8.7.5): entry_count 32, then chunk_offset 32 (file offsets of each chunk). Use
 * {@link ChunkLargeOffsetBox} once an offset passes 4 GiB.
 */
public final class ChunkOffsetBox extends FullBox {
    private final long[] offsets;

    public ChunkOffsetBox(long[] offsets, int n) {
        super("stco", 0, 0);
        this.offsets = Arrays.copyOf(offsets, n);
        for (long o : this.offsets) {
            if (o < 0 || o > 0xFFFFFFFFL) {
                throw new IllegalArgumentException("chunk offset " + o + " needs co64");
            }
        }
    }

    @Override
    protected long fieldsSize() {
        return 4 + 4L * offsets.length;
    }

    @Override
    protected void writeFields(ByteBuffer out) {
        out.putInt(offsets.length);
        for (long o : offsets) {
            out.putInt((int) o);
        }
    }
}
