package io.osprey.media.codec;

import java.nio.ByteBuffer;

/**
 * MSB-first bit reader over a byte range with Exp-Golomb codes (ISO 14496-10 9.1); every read is bounds-checked
 * and fails with {@link CodecException} instead of reading past the end.
 */
public final class BitReader {
    private final byte[] data;
    private final long endBit;
    private long bit;

    public BitReader(byte[] data) {
        this(data, 0, data.length);
    }

    public BitReader(byte[] data, int offset, int length) {
        if (offset < 0 || length < 0 || offset > data.length - length) {
            throw new IndexOutOfBoundsException("range " + offset + "+" + length + " of " + data.length);
        }
        this.data = data;
        this.bit = (long) offset * 8;
        this.endBit = ((long) offset + length) * 8;
    }

    /** Reads the remaining bytes of {@code buf} (its position is not changed). */
    public static BitReader of(ByteBuffer buf) {
        byte[] copy = new byte[buf.remaining()];
        buf.duplicate().get(copy);
        return new BitReader(copy);
    }

    public long bitsLeft() {
        return endBit - bit;
    }

    public long bitPosition() {
        return bit;
    }

    /** Reads {@code n} bits (0..32) as an unsigned value in a long. */
    public long readBitsLong(int n) throws CodecException {
        if (n < 0 || n > 64) {
            throw new IllegalArgumentException("bit count " + n);
        }
        require(n);
        long v = 0;
        for (int i = 0; i < n; i++) {
            int b = data[(int) (bit >>> 3)] >> (7 - (int) (bit & 7)) & 1;
            v = v << 1 | b;
            bit++;
        }
        return v;
    }

    /** Reads {@code n} bits (0..31) as an unsigned int. */
    public int readBits(int n) throws CodecException {
        if (n > 31) {
            throw new IllegalArgumentException("use readBitsLong for " + n + " bits");
        }
        return (int) readBitsLong(n);
    }

    public boolean readFlag() throws CodecException {
        return readBitsLong(1) != 0;
    }

    public void skipBits(long n) throws CodecException {
        if (n < 0) {
            throw new IllegalArgumentException("skip " + n);
        }
        require(n);
        bit += n;
    }

    /** ISO 14496-10 9.1 ue(v): leadingZeroBits zeros, a one, then leadingZeroBits bits; at most 2^31 - 2. */
    public int readUe() throws CodecException {
        int zeros = 0;
        while (!readFlag()) {
            if (++zeros > 31) {
                throw new CodecException("exp-Golomb code longer than 32 bits");
            }
        }
        long value = (1L << zeros) - 1 + readBitsLong(zeros);
        if (value > Integer.MAX_VALUE) {
            throw new CodecException("exp-Golomb value out of range: " + value);
        }
        return (int) value;
    }

    /** ISO 14496-10 9.1.1 se(v): k maps to (-1)^(k+1) * ceil(k / 2). */
    public int readSe() throws CodecException {
        int k = readUe();
        return (k & 1) != 0 ? (k >>> 1) + 1 : -(k >>> 1);
    }

    private void require(long n) throws CodecException {
        if (n > endBit - bit) {
            throw new CodecException("bitstream truncated: need " + n + " bits, " + (endBit - bit) + " left");
        }
    }
}
