package io.osprey.media.mp4;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * An ISO base media file format box (ISO 14496-12 4.2) that knows its size and writes itself:
 * {@code size 32, type 32, [largesize 64 if size == 1]}, then its content.
 */
public abstract class Box {
    private final String type;

    protected Box(String type) {
        if (type.length() != 4) {
            throw new IllegalArgumentException("box type must have 4 characters: '" + type + "'");
        }
        this.type = type;
    }

    public final String type() {
        return type;
    }

    /** Bytes after the header. */
    protected abstract long contentSize();

    protected abstract void writeContent(ByteBuffer out);

    /** The whole box: 8 header bytes (16 with a largesize) plus the content. */
    public final long size() {
        long size = 8 + contentSize();
        return size > 0xFFFFFFFFL ? size + 8 : size;
    }

    public final void write(ByteBuffer out) {
        long size = size();
        if (size > 0xFFFFFFFFL) {
            out.putInt(1);
            putFourCc(out, type);
            out.putLong(size);
        } else {
            out.putInt((int) size);
            putFourCc(out, type);
        }
        writeContent(out);
    }

    /** This box in a new buffer, flipped for reading. */
    public final ByteBuffer toByteBuffer() {
        long size = size();
        if (size > Integer.MAX_VALUE - 16) {
            throw new IllegalStateException(type + " of " + size + " bytes does not fit a buffer");
        }
        ByteBuffer out = ByteBuffer.allocate((int) size);
        write(out);
        return out.flip();
    }

    static void putFourCc(ByteBuffer out, String fourCc) {
        out.put(fourCc.getBytes(StandardCharsets.ISO_8859_1), 0, 4);
    }

    /** Writes a 16.16 fixed-point identity transformation matrix (8.3.2.3 tkhd / 8.2.2.3 mvhd). */
    static void putUnityMatrix(ByteBuffer out) {
        int[] m = {0x00010000, 0, 0, 0, 0x00010000, 0, 0, 0, 0x40000000};
        for (int v : m) {
            out.putInt(v);
        }
    }
}
