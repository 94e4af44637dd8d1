package io.osprey.plugin.hls;

import java.nio.ByteBuffer;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;

/**
 * Bytes ready to serve: an immutable buffer (each response writes a {@code duplicate()}, never a copy) and its
 * pre-encoded {@code Content-Length}.
 */
record Served(ByteBuffer bytes, HttpField contentLength) {

    static Served of(ByteBuffer bytes, boolean direct) {
        ByteBuffer b = bytes;
        if (direct && !b.isDirect()) {
            ByteBuffer d = ByteBuffer.allocateDirect(b.remaining());
            d.put(b.duplicate()).flip();
            b = d;
        }
        b = b.asReadOnlyBuffer();
        return new Served(b, new HttpField.LongValueHttpField(HttpHeader.CONTENT_LENGTH, b.remaining()));
    }

    int size() {
        return bytes.remaining();
    }
}
