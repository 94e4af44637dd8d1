package io.osprey.media.mp4;

import java.nio.ByteBuffer;
import java.util.Arrays;

/** {@code stss} (ISO 14496-12 8.6.2): entry_count 32, then sample_number 32 (1-based) of each sync sample. */
public final class SyncSampleBox extends FullBox {
    private final int[] sampleNumbers;

    public SyncSampleBox(int[] sampleNumbers, int n) {
        super("stss", 0, 0);
        this.sampleNumbers = Arrays.copyOf(sampleNumbers, n);
    }

    @Override
    protected long fieldsSize() {
        return 4 + 4L * sampleNumbers.length;
    }

    @Override
    protected void writeFields(ByteBuffer out) {
        out.putInt(sampleNumbers.length);
        for (int s : sampleNumbers) {
            out.putInt(s);
        }
    }
}
