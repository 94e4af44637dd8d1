package io.osprey.media.ts;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * A growable byte array that TS packets are written into in place, so muxing allocates nothing per packet.
 *
 * <p>Bytes once written are never changed: growing copies into a new array, so a {@link #slice} taken earlier stays
 * valid and can be shared (for example a partial segment for LL-HLS). {@link #reset()} breaks that promise and is
 * only for callers that copy what they need first. Not thread-safe.
 */
public final class TsBuffer {
    private byte[] data;
    private int size;

    public TsBuffer(int initialCapacity) {
        data = new byte[Math.max(TsPacket.SIZE, initialCapacity)];
    }

    public int size() {
        return size;
    }

    /** Forgets the contents and reuses the array; earlier slices then see new bytes. */
    public void reset() {
        size = 0;
    }

    /** A read-only view of bytes {@code [from, to)}, shared, not copied. */
    public ByteBuffer slice(int from, int to) {
        if (from < 0 || to > size || from > to) {
            throw new IndexOutOfBoundsException(from + ".." + to + " of " + size);
        }
        return ByteBuffer.wrap(data, from, to - from).slice().asReadOnlyBuffer();
    }

    /** A read-only view of everything written, shared, not copied. */
    public ByteBuffer view() {
        return slice(0, size);
    }

    public byte[] toByteArray() {
        return Arrays.copyOf(data, size);
    }

    /** Appends {@code n} bytes to be filled by the caller and returns their offset in {@link #array()}. */
    int reserve(int n) {
        if (data.length - size < n) {
            int capacity = Math.max(size + n, data.length < (1 << 29) ? data.length * 2 : Integer.MAX_VALUE - 8);
            data = Arrays.copyOf(data, capacity);
        }
        int offset = size;
        size += n;
        return offset;
    }

    byte[] array() {
        return data;
    }
}
