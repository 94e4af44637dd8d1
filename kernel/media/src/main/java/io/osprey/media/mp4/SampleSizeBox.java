package io.osprey.media.mp4;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * {@code stsz} (ISO 14496-12 8.7.3.2): sample_size 32 (0 = sizes follow), sample_count 32, then entry_size 32 for
 * each sample. Written with a constant size when all samples are equal.
 */
public final class SampleSizeBox extends FullBox {
    private final int constantSize;
    private final int count;
    private final int[] sizes;

    public SampleSizeBox(int[] sizes, int n) {
        super("stsz", 0, 0);
        boolean constant = n > 0;
        for (int i = 1; i < n && constant; i++) {
            constant = sizes[i] == sizes[0];
        }
        this.count = n;
        this.constantSize = constant ? sizes[0] : 0;
        this.sizes = constant ? new int[0] : Arrays.copyOf(sizes, n);
    }

    @Override
    protected long fieldsSize() {
        return 8 + 4L * sizes.length;
    }

    @Override
    protected void writeFields(ByteBuffer out) {
        out.putInt(constantSize).putInt(count);
        for (int s : sizes) {
            out.putInt(s);
        }
    }
}
