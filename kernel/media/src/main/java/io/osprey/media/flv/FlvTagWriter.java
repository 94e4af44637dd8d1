package io.osprey.media.flv;

import java.nio.ByteBuffer;

/** Writes one FLV tag (E.4.1 FLVTAG) followed by its PreviousTagSize (E.3) into a single heap buffer. */
public final class FlvTagWriter {

    /** E.4.1: TagType UI8 + DataSize UI24 + Timestamp UI24 + TimestampExtended UI8 + StreamID UI24. */
    public static final int TAG_HEADER_SIZE = 11;
    /** E.4.1 DataSize is a UI24. */
    public static final int MAX_BODY_SIZE = 0xFFFFFF;

    private FlvTagWriter() {
    }

    /** Bytes {@link #encode} produces for a body of {@code bodyLength} bytes: header, body, PreviousTagSize. */
    public static int encodedSize(int bodyLength) {
        return TAG_HEADER_SIZE + bodyLength + 4;
    }

    /**
     * The tag: {@code timestampMs} is cut to 32 bits, its lower 24 in Timestamp and its upper 8 in
     * TimestampExtended. The body is copied from its position to its limit; its position does not move.
     *
     * @throws IllegalArgumentException if {@code type} does not fit the 5-bit TagType or the body is over 16 MiB
     */
    public static ByteBuffer encode(int type, long timestampMs, ByteBuffer body) {
        int length = body.remaining();
        if (length > MAX_BODY_SIZE) { // before allocating
            throw new IllegalArgumentException("FLV tag body of " + length + " bytes exceeds the UI24 DataSize");
        }
        ByteBuffer out = ByteBuffer.allocate(encodedSize(length));
        putHeader(out, type, timestampMs, length);
        out.put(body.duplicate());
        out.putInt(TAG_HEADER_SIZE + length); // E.3 PreviousTagSize UI32
        return out.flip();
    }

    /**
     * Writes the 11-byte tag header at {@code out}'s position (the body and the 4-byte PreviousTagSize are the
     * caller's to write after it).
     *
     * @throws IllegalArgumentException if {@code type} does not fit the 5-bit TagType or the body is over 16 MiB
     */
    public static void putHeader(ByteBuffer out, int type, long timestampMs, int bodyLength) {
        if (type < 0 || type > 0x1F) {
            throw new IllegalArgumentException("FLV tag type out of range: " + type);
        }
        if (bodyLength > MAX_BODY_SIZE) {
            throw new IllegalArgumentException("FLV tag body of " + bodyLength + " bytes exceeds the UI24 DataSize");
        }
        long ts = timestampMs & 0xFFFFFFFFL;
        out.put((byte) type);                 // Reserved UB[2] = 0, Filter UB[1] = 0, TagType UB[5]
        putU24(out, bodyLength);              // DataSize UI24
        putU24(out, (int) ts);                // Timestamp UI24: lower 24 bits
        out.put((byte) (ts >>> 24));          // TimestampExtended UI8: upper 8 bits
        putU24(out, 0);                       // StreamID UI24, always 0
    }

    static void putU24(ByteBuffer out, int v) {
        out.put((byte) (v >>> 16)).put((byte) (v >>> 8)).put((byte) v);
    }
}
