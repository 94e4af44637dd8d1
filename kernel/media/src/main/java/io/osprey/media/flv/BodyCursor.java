package io.osprey.media.flv;

import java.nio.ByteBuffer;

/** A bounds-checked big-endian reader over one tag body; every read past the end is a {@link FlvFormatException}. */
final class BodyCursor {

    private final ByteBuffer b;
    private final String what;

    /** Reads {@code body} from its position to its limit without moving them. */
    BodyCursor(ByteBuffer body, String what) {
        this.b = body.slice();
        this.what = what;
    }

    boolean hasRemaining() {
        return b.hasRemaining();
    }

    int remaining() {
        return b.remaining();
    }

    int u8() throws FlvFormatException {
        require(1);
        return b.get() & 0xFF;
    }

    int u16() throws FlvFormatException {
        require(2);
        return (b.get() & 0xFF) << 8 | b.get() & 0xFF;
    }

    int u24() throws FlvFormatException {
        require(3);
        return (b.get() & 0xFF) << 16 | (b.get() & 0xFF) << 8 | b.get() & 0xFF;
    }

    /** SI24, sign-extended. */
    int si24() throws FlvFormatException {
        return u24() << 8 >> 8;
    }

    int u32() throws FlvFormatException {
        require(4);
        return (b.get() & 0xFF) << 24 | (b.get() & 0xFF) << 16 | (b.get() & 0xFF) << 8 | b.get() & 0xFF;
    }

    void skip(int n) throws FlvFormatException {
        require(n);
        b.position(b.position() + n);
    }

    /** The next {@code n} bytes as a view sharing the body's bytes. */
    ByteBuffer slice(int n) throws FlvFormatException {
        require(n);
        ByteBuffer s = b.slice(b.position(), n);
        b.position(b.position() + n);
        return s;
    }

    /** Everything left, as a view. */
    ByteBuffer rest() {
        ByteBuffer s = b.slice();
        b.position(b.limit());
        return s;
    }

    private void require(int n) throws FlvFormatException {
        if (n < 0 || b.remaining() < n) {
            throw new FlvFormatException(what + " truncated: need " + n + " bytes, " + b.remaining() + " left");
        }
    }
}
