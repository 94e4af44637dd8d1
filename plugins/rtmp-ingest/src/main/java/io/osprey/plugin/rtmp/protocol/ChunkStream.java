package io.osprey.plugin.rtmp.protocol;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Receive-side state of one chunk stream: the last message header (5.3.1.2, which fmt 1-3 chunks inherit) and the
 * partially received payload of the message in progress.
 */
final class ChunkStream {
    private static final int INITIAL_CAPACITY = 4096;
    /**
     * Messages up to this size get their whole buffer with their first bytes (no growing copies); at most 64 chunk
     * streams of this size per connection is 4 MiB. Larger ones grow with the bytes that arrive (HOSTILE B5).
     */
    static final int ALLOCATE_AT_ONCE = 64 * 1024;

    final int csid;
    /** Absolute timestamp of the current (or last) message, unsigned 32-bit. */
    long timestamp;
    /** The delta a type-3 chunk that starts a new message applies (5.3.1.2.4): last delta, or the type-0 timestamp. */
    long delta;
    int length;
    int type;
    int streamId;
    /** Whether the last type 0/1/2 header carried 0xFFFFFF and so an extended timestamp field (5.3.1.3). */
    boolean extended;
    /** The value of that extended timestamp field, which Flash repeats on type-3 chunks. */
    long extendedValue;
    /** A message has started (its first chunk was read) and not yet completed. */
    boolean inMessage;
    /** Payload bytes received so far. */
    int filled;
    private byte[] buffer;
    /** The buffer of the last lent payload, for the next message of at most its size (see ChunkDecoder). */
    private byte[] spare;

    ChunkStream(int csid) {
        this.csid = csid;
    }

    /**
     * Appends {@code n} payload bytes from {@code in} and returns how many bytes of capacity that added. A message of
     * at most {@link #ALLOCATE_AT_ONCE} bytes gets its buffer at once; a larger one's grows with what arrives
     * (doubling, from 4 KiB), never past {@link #length}, so the finished one is exactly the payload and a large
     * declared length costs nothing until its bytes come (HOSTILE B5).
     */
    int append(ByteBuffer in, int n) {
        int needed = filled + n;
        int old = capacity();
        int added = 0;
        if (needed > old) {
            if (buffer == null && spare != null && spare.length >= length) {
                buffer = spare; // a lent payload's buffer, given back when the listener returned
                spare = null;
                added = buffer.length;
            } else {
                int grown = length <= ALLOCATE_AT_ONCE ? length
                        : (int) Math.min(length, Math.max(needed, Math.max(INITIAL_CAPACITY, 2L * old)));
                buffer = buffer == null ? new byte[grown] : Arrays.copyOf(buffer, grown);
                added = grown - old;
            }
        }
        in.get(buffer, filled, n);
        filled = needed;
        return added;
    }

    int capacity() {
        return buffer == null ? 0 : buffer.length;
    }

    /**
     * Returns the completed payload and ends the message. {@code lend}: the buffer is kept and reused for a later
     * message of this chunk stream of at most {@link #ALLOCATE_AT_ONCE} bytes, so the payload is valid only until
     * then; otherwise the decoder keeps no reference.
     */
    ByteBuffer takePayload(boolean lend) {
        ByteBuffer payload = buffer == null ? ByteBuffer.allocate(0) : ByteBuffer.wrap(buffer, 0, filled).slice();
        if (lend && buffer != null && buffer.length <= ALLOCATE_AT_ONCE) {
            spare = buffer;
        }
        discard();
        return payload;
    }

    /** Drops the message in progress (5.4.2 Abort). */
    void discard() {
        buffer = null;
        filled = 0;
        inMessage = false;
    }
}
