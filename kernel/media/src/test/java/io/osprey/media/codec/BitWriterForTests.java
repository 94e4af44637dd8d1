package io.osprey.media.codec;

import java.io.ByteArrayOutputStream;

/** Test helper that writes bits MSB first, with Exp-Golomb codes, to build bitstreams by hand. */
public final class BitWriterForTests {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private int current;
    private int count;

    public BitWriterForTests bits(long value, int n) {
        for (int i = n - 1; i >= 0; i--) {
            current = current << 1 | (int) (value >>> i & 1);
            if (++count == 8) {
                out.write(current);
                current = 0;
                count = 0;
            }
        }
        return this;
    }

    public BitWriterForTests flag(boolean f) {
        return bits(f ? 1 : 0, 1);
    }

    public BitWriterForTests ue(long v) {
        long x = v + 1;
        int len = 64 - Long.numberOfLeadingZeros(x);
        bits(0, len - 1);
        return bits(x, len);
    }

    public BitWriterForTests se(long v) {
        return ue(v > 0 ? 2 * v - 1 : -2 * v);
    }

    /** rbsp_trailing_bits: a one, then zeros to the byte boundary. */
    public byte[] trailing() {
        bits(1, 1);
        while (count != 0) {
            bits(0, 1);
        }
        return out.toByteArray();
    }
}
