package io.osprey.media.mp4;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;

/**
 * Iterates the boxes of a byte range (ISO 14496-12 4.2): {@code size 32, type 32}, {@code largesize 64} when size
 * is 1, {@code usertype 128} for {@code uuid}, size 0 meaning "to the end of the range". No declared size is
 * trusted beyond the bytes present: a box that claims more, or less than its own header, is a
 * {@link Mp4FormatException} carrying its offset, never an allocation or a read past the range. The recorder's
 * merge walks moof/mdat with it; {@link #children} descends into container boxes without copying.
 */
public final class Mp4BoxReader {

    /**
     * One box header.
     *
     * @param type       the four-character type (ISO-8859-1)
     * @param offset     where the box starts in the source
     * @param size       the whole box, header included
     * @param headerSize 8, 16 (largesize), or 24/32 with a usertype
     * @param userType   the 16-byte usertype of a {@code uuid} box, else null
     */
    public record Header(String type, long offset, long size, int headerSize, byte[] userType) {
        public long contentOffset() {
            return offset + headerSize;
        }

        public long contentSize() {
            return size - headerSize;
        }

        public long end() {
            return offset + size;
        }
    }

    private final ByteBuffer buffer;
    private final FileChannel channel;
    private final long end;
    private long position;
    private final ByteBuffer scratch = ByteBuffer.allocate(32);

    private Mp4BoxReader(ByteBuffer buffer, FileChannel channel, long start, long end) {
        this.buffer = buffer;
        this.channel = channel;
        this.position = start;
        this.end = end;
    }

    /** Boxes in {@code buf} from its position to its limit; offsets are indexes into {@code buf}. */
    public static Mp4BoxReader of(ByteBuffer buf) {
        return new Mp4BoxReader(buf.duplicate(), null, buf.position(), buf.limit());
    }

    /** Boxes in {@code [start, end)} of a file; the channel's position is not used or changed. */
    public static Mp4BoxReader of(FileChannel channel, long start, long end) {
        if (start < 0 || start > end) {
            throw new IllegalArgumentException("range " + start + ".." + end);
        }
        return new Mp4BoxReader(null, channel, start, end);
    }

    /** Boxes of a whole file. */
    public static Mp4BoxReader of(FileChannel channel) throws IOException {
        return of(channel, 0, channel.size());
    }

    /** The boxes inside {@code parent}'s content (for container boxes; full boxes need their 4 bytes skipped). */
    public Mp4BoxReader children(Header parent) {
        return children(parent, 0);
    }

    /** The boxes inside {@code parent}'s content after {@code skip} bytes of fields (e.g. 8 for stsd). */
    public Mp4BoxReader children(Header parent, int skip) {
        long start = Math.min(parent.contentOffset() + Math.max(0, skip), parent.end());
        return new Mp4BoxReader(buffer, channel, start, parent.end());
    }

    /** Where the next box would start. */
    public long position() {
        return position;
    }

    /** The next box header, or null at the end of the range; the reader moves past the whole box. */
    public Header next() throws IOException {
        long left = end - position;
        if (left == 0) {
            return null;
        }
        if (left < 8) {
            throw new Mp4FormatException(left + " trailing bytes are no box header", position);
        }
        ByteBuffer h = read(position, (int) Math.min(left, 32), true);
        long size = h.getInt(0) & 0xFFFFFFFFL;
        String type = new String(new byte[] {h.get(4), h.get(5), h.get(6), h.get(7)}, StandardCharsets.ISO_8859_1);
        int headerSize = 8;
        if (size == 1) {
            if (left < 16) {
                throw new Mp4FormatException(type + " largesize truncated", position);
            }
            size = h.getLong(8);
            headerSize = 16;
        } else if (size == 0) {
            size = left;
        }
        byte[] userType = null;
        if (type.equals("uuid")) {
            if (left < headerSize + 16) {
                throw new Mp4FormatException("uuid usertype truncated", position);
            }
            userType = new byte[16];
            h.get(headerSize, userType);
            headerSize += 16;
        }
        if (size < headerSize) {
            throw new Mp4FormatException(type + " declares " + size + " bytes, less than its header", position);
        }
        if (size > left) {
            throw new Mp4FormatException(type + " declares " + size + " bytes, only " + left + " present", position);
        }
        Header header = new Header(type, position, size, headerSize, userType);
        position += size;
        return header;
    }

    /**
     * The content of {@code box}: a read-only slice for a buffer source, a new buffer for a file. Refuses contents
     * over {@code maxBytes} so that a file's declared sizes never decide an allocation alone.
     */
    public ByteBuffer content(Header box, int maxBytes) throws IOException {
        long size = box.contentSize();
        if (size > maxBytes) {
            throw new Mp4FormatException(box.type() + " content of " + size + " bytes exceeds " + maxBytes,
                    box.offset());
        }
        if (buffer != null) {
            return buffer.slice((int) box.contentOffset(), (int) size).asReadOnlyBuffer();
        }
        return read(box.contentOffset(), (int) size, false);
    }

    /** Bytes at {@code at}; {@code reuse} lends the header scratch buffer, valid until the next call. */
    private ByteBuffer read(long at, int length, boolean reuse) throws IOException {
        if (buffer != null) {
            return buffer.slice((int) at, length).asReadOnlyBuffer();
        }
        ByteBuffer dst = reuse ? scratch.clear().limit(length) : ByteBuffer.allocate(length);
        while (dst.hasRemaining()) {
            if (channel.read(dst, at + dst.position()) < 0) {
                throw new Mp4FormatException("file ends before its boxes do", at + dst.position());
            }
        }
        return dst.flip();
    }
}
