package io.osprey.plugin.hls;

import io.osprey.media.buffer.DirectPool;
import io.osprey.media.buffer.SegmentMemory;
import io.osprey.media.ts.SharedBytes;
import java.nio.ByteBuffer;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;

/**
 * Bytes ready to serve: an immutable buffer (each response writes a {@code duplicate()}, never a copy), its
 * pre-encoded {@code Content-Length}, and, for bytes in pooled memory, the {@link SegmentMemory} they live in.
 *
 * <p>Pooled bytes are recycled once nobody reads them, so every reader holds a reference while it reads:
 * {@link #tryRetain()} before, {@link #release()} after. The {@link MediaWindow} holds one while the bytes are in
 * the window; an HTTP response from before its write until the write's callback; the disk mirror until the file
 * is written. A {@code tryRetain()} that fails means the bytes already left the window and were recycled: answer
 * as for anything no longer in the window. Bytes without memory (playlists, errors, heap parts) are left to the
 * garbage collector; retain and release do nothing for them. Thread-safety: see {@link SegmentMemory}.
 *
 * <p>{@code memory} is the pooled memory, or null for bytes the collector frees.
 */
final class Served {
    private final ByteBuffer bytes;
    private final HttpField contentLength;
    private final SegmentMemory memory;
    /** The file the bytes are mapped from ({@link SegmentFiles}), or null. */
    private final java.nio.channels.FileChannel file;
    /** The status line and fields of a fast GET of these bytes, made at the first one (a benign race). */
    private volatile ByteBuffer fastHead;

    Served(ByteBuffer bytes, HttpField contentLength, SegmentMemory memory) {
        this(bytes, contentLength, memory, null);
    }

    private Served(ByteBuffer bytes, HttpField contentLength, SegmentMemory memory,
                   java.nio.channels.FileChannel file) {
        this.bytes = bytes;
        this.contentLength = contentLength;
        this.memory = memory;
        this.file = file;
    }

    /** Bytes mapped from {@code file}, which {@code memory}'s last release closes; one reference, the caller's. */
    static Served file(java.nio.MappedByteBuffer mapped, java.nio.channels.FileChannel file, SegmentMemory memory) {
        return new Served(mapped, length(mapped.remaining()), memory, file);
    }

    /** The file these bytes are in (the whole file), for {@code sendfile}; null for bytes in memory. */
    java.nio.channels.FileChannel file() {
        return file;
    }

    ByteBuffer bytes() {
        return bytes;
    }

    HttpField contentLength() {
        return contentLength;
    }

    SegmentMemory memory() {
        return memory;
    }

    /** A duplicate of the fast GET head of these bytes if it was made, else null. */
    ByteBuffer fastHead() {
        ByteBuffer h = fastHead;
        return h == null ? null : h.duplicate();
    }

    /** A duplicate of the fast GET head of these bytes, made by {@code make} the first time. */
    ByteBuffer fastHead(java.util.function.Function<Served, ByteBuffer> make) {
        ByteBuffer h = fastHead;
        if (h == null) {
            h = make.apply(this);
            fastHead = h;
        }
        return h.duplicate();
    }

    /** Unpooled bytes: {@code bytes} itself, or a direct copy of it if {@code direct} and it is on the heap. */
    static Served of(ByteBuffer bytes, boolean direct) {
        ByteBuffer b = bytes;
        if (direct && !b.isDirect()) {
            ByteBuffer d = ByteBuffer.allocateDirect(b.remaining());
            d.put(b.duplicate()).flip();
            b = d;
        }
        return new Served(b.asReadOnlyBuffer(), length(b.remaining()), null);
    }

    /** A copy of {@code bytes} in memory from {@code pool}; the one reference belongs to the caller. */
    static Served pooled(ByteBuffer bytes, DirectPool pool) {
        int n = bytes.remaining();
        ByteBuffer d = pool.acquire(n);
        d.put(bytes.duplicate());
        return pooled(d, pool, n);
    }

    /** The first {@code n} bytes of {@code buffer}, acquired from {@code pool}; one reference, the caller's. */
    static Served pooled(ByteBuffer buffer, DirectPool pool, int n) {
        return new Served(buffer.slice(0, n).asReadOnlyBuffer(), length(n), SegmentMemory.of(pool, buffer));
    }

    /** Bytes from the TS segment writer, taking over their reference. */
    static Served shared(SharedBytes shared) {
        return new Served(shared.bytes(), length(shared.bytes().remaining()), shared.memory());
    }

    private static HttpField length(int n) {
        return new HttpField.LongValueHttpField(HttpHeader.CONTENT_LENGTH, n);
    }

    int size() {
        return bytes.remaining();
    }

    /** Takes a reference for a reader; false if the bytes were already recycled (then they must not be read). */
    boolean tryRetain() {
        return memory == null || memory.tryRetain();
    }

    /** Gives up a reference taken with {@link #tryRetain()} (or the one a constructor handed out). */
    void release() {
        if (memory != null) {
            memory.release();
        }
    }
}
