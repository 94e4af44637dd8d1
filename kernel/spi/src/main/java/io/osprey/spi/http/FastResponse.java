package io.osprey.spi.http;

import java.nio.ByteBuffer;
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
 * @param head the status line and fields, each line ending in CRLF, no blank line; see {@link #head}
 * @param body the body, exactly as many bytes as the head's {@code Content-Length} says
 * @param done runs once when the kernel is done with the body, or null
 * @since 1.2
 */
public record FastResponse(ByteBuffer head, ByteBuffer body, Runnable done) {

    public FastResponse {
        Objects.requireNonNull(head, "head");
        Objects.requireNonNull(body, "body");
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
