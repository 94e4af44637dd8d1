package io.osprey.spi.http;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * A response of a {@link FastGet}: its status line and header fields as bytes ({@link #head(int, String, String...)}
 * builds them once, to be reused for every response with the same headers), and the body. The kernel adds the
 * {@code Date} field and the blank line, and writes head and body as they are, with one gathering write.
 *
 * <p>The kernel consumes both buffers (their positions move): pass a {@code duplicate()} of shared ones.
 * {@code done} runs exactly once, on whichever thread, when the response has been written or the write has failed
 * or was never tried (release a reference on pooled body bytes there).
 *
 * <p>A body in a file ({@link #ofFile}) is sent by the kernel with {@link FileChannel#transferTo} to the socket
 * ({@code sendfile(2)}: the bytes go from the page cache to the socket without a copy through the JVM, and a client
 * on the same machine reads pages that stay in the CPU caches): for large bodies that many clients fetch, such as
 * HLS segments in a tmpfs file. The channel must stay open until {@code done} runs.
 *
 * @param head the status line and fields, each line ending in CRLF, no blank line; see {@link #head}
 * @param body the body, exactly as many bytes as the head's {@code Content-Length} says; with a file, empty or the
 *             same bytes in memory (written instead where the connection cannot send the file)
 * @param file the body's bytes in a file instead, or null
 * @param done runs once when the kernel is done with the body, or null
 * @since 1.2
 */
public record FastResponse(ByteBuffer head, ByteBuffer body, FileRegion file, Runnable done) {

    /**
     * {@code count} bytes of {@code channel} from {@code position}.
     *
     * @since 1.3
     */
    public record FileRegion(FileChannel channel, long position, long count) {
        public FileRegion {
            Objects.requireNonNull(channel, "channel");
            if (position < 0 || count < 0) {
                throw new IllegalArgumentException("position " + position + ", count " + count);
            }
        }
    }

    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0).asReadOnlyBuffer();

    public FastResponse {
        Objects.requireNonNull(head, "head");
        Objects.requireNonNull(body, "body");
        if (file != null && body.hasRemaining() && body.remaining() != file.count()) {
            throw new IllegalArgumentException("a body of " + body.remaining() + " bytes for a file region of "
                    + file.count());
        }
    }

    /** A response whose body is in {@code body}. */
    public FastResponse(ByteBuffer head, ByteBuffer body, Runnable done) {
        this(head, body, null, done);
    }

    /**
     * A response whose body is {@code count} bytes of {@code channel} from {@code position}, sent with
     * {@code sendfile} where the connection allows it (otherwise the region is mapped for each response and
     * written: pass the bytes in memory too, with the other {@code ofFile}, for responses sent often).
     *
     * @since 1.3
     */
    public static FastResponse ofFile(ByteBuffer head, FileChannel channel, long position, long count,
                                      Runnable done) {
        return new FastResponse(head, EMPTY.duplicate(), new FileRegion(channel, position, count), done);
    }

    /**
     * As {@link #ofFile(ByteBuffer, FileChannel, long, long, Runnable)}, with the same bytes in memory too (a
     * {@code duplicate()} of a mapping of the file, say), which the kernel writes where it cannot send the file
     * with {@code sendfile} under {@code TCP_CORK}.
     *
     * @since 1.3
     */
    public static FastResponse ofFile(ByteBuffer head, FileChannel channel, long position, long count,
                                      ByteBuffer inMemory, Runnable done) {
        return new FastResponse(head, inMemory, new FileRegion(channel, position, count), done);
    }

    /**
     * A read-only direct buffer with {@code HTTP/1.1 <status> <reason>} and the given fields, each line ending in
     * CRLF and no blank line after them. Names and values must be ISO-8859-1 without CR or LF.
     *
     * <pre>{@code
     * ByteBuffer head = FastResponse.head(200, "OK", "Content-Type", "video/mp2t",
     *         "Content-Length", String.valueOf(bytes.remaining()));
     * }</pre>
     *
     * @param fields name, value, name, value...
     * @throws IllegalArgumentException on an odd number of strings, or a CR or LF in one
     */
    public static ByteBuffer head(int status, String reason, String... fields) {
        if (fields.length % 2 != 0) {
            throw new IllegalArgumentException("fields must be name, value pairs");
        }
        StringBuilder sb = new StringBuilder(64 + 32 * fields.length);
        sb.append("HTTP/1.1 ").append(status).append(' ').append(reason).append("\r\n");
        for (int i = 0; i < fields.length; i += 2) {
            sb.append(fields[i]).append(": ").append(fields[i + 1]).append("\r\n");
        }
        for (String f : fields) {
            if (f.indexOf('\r') >= 0 || f.indexOf('\n') >= 0) {
                throw new IllegalArgumentException("CR or LF in a header field: " + f);
            }
        }
        if (reason.indexOf('\r') >= 0 || reason.indexOf('\n') >= 0) {
            throw new IllegalArgumentException("CR or LF in the reason: " + reason);
        }
        byte[] b = sb.toString().getBytes(StandardCharsets.ISO_8859_1);
        return ByteBuffer.allocateDirect(b.length).put(b).flip().asReadOnlyBuffer();
    }
}
