package io.osprey.media.buffer;

import io.osprey.spi.bus.Frame;
import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * An append-only log of byte pieces in large direct segments, for bytes that are written once and then read, never
 * changed, by many threads: the payloads of a stream's frames, a stream's FLV tags or RTMP chunks. Pieces are laid
 * end to end, so consecutive pieces can be handed to a socket as one {@link Slot#span span} (one write, no copy), and
 * the bytes live off the Java heap, where the garbage collector neither copies nor promotes them.
 *
 * <p>A piece larger than a quarter segment gets a direct buffer of its own (the current segment stays open for the
 * pieces after it), so a large piece never abandons the unused tail of a segment. Every {@link Slot} refers to a
 * read-only view of its whole segment.
 *
 * <p>Memory: a segment is freed when the garbage collector finds neither its buffer nor any view of it (slot,
 * {@link Slot#bytes}, span) reachable any more; there is no explicit release. Its direct memory counts against
 * {@code -XX:MaxDirectMemorySize}; when that limit is reached the JDK runs a full collection, which frees the
 * segments nobody holds (so {@code -XX:+DisableExplicitGC} must not be used with it).
 *
 * <p>A pooled log ({@link #DirectLog(int, DirectPool)}) instead counts references per segment and hands a segment
 * back to its {@link DirectPool} when the last is released, so a stream's memory is reused at once rather than
 * after an old-generation collection (which may be minutes away: until then every segment is fresh memory that the
 * kernel must fault in and zero). Its pieces are appended with {@link #appendCounted}, each with a reference for
 * the caller; the log holds one on its current segment until it moves on or is {@link #close closed}. A reference
 * never released only loses the reuse: the collector frees that segment as in an unpooled log.
 *
 * <p>Thread-safety: {@link #append} and the counters may be called from any thread (they synchronize on this log);
 * pieces are then in the order of the calls. A slot and every view of it are immutable; a thread that obtains a slot
 * through a happens-before edge with the append (the bus, {@code Frame.memo}, a lock) sees its bytes.
 *
 * <pre>{@code
 * DirectLog log = new DirectLog();
 * DirectLog.Slot a = log.append(tagA);
 * DirectLog.Slot b = log.append(tagB);
 * ByteBuffer write = b.follows(a) ? DirectLog.Slot.span(a, b) : a.bytes(); // b next, then
 * }</pre>
 */
public final class DirectLog {

    /** Segment size: large enough that a run of pieces rarely crosses a boundary, small enough to be freed soon. */
    public static final int DEFAULT_SEGMENT_BYTES = 256 * 1024;

    /** Writes one piece at the position of {@code into}, whose limit is the most the piece may take. */
    @FunctionalInterface
    public interface Writer {
        void write(ByteBuffer into);
    }

    /**
     * Where one piece lives: bytes {@code [offset, offset + length)} of {@code segment}, a read-only view of a whole
     * segment (position and limit of that view are not used).
     */
    public record Slot(ByteBuffer segment, int offset, int length) {

        public Slot {
            Objects.requireNonNull(segment, "segment");
            if (offset < 0 || length < 0 || offset + length > segment.capacity()) {
                throw new IndexOutOfBoundsException("slot " + offset + "+" + length + " of " + segment.capacity());
            }
        }

        /** Whether this piece starts right where {@code previous} ends, in the same segment. */
        public boolean follows(Slot previous) {
            return previous.segment == segment && previous.offset + previous.length == offset;
        }

        /** A new read-only buffer of exactly this piece's bytes. */
        public ByteBuffer bytes() {
            return segment.slice(offset, length);
        }

        /**
         * A new read-only buffer from the start of {@code first} to the end of {@code last}, which must be in the same
         * segment and not before it (for example when every slot in between {@link #follows} the one before).
         */
        public static ByteBuffer span(Slot first, Slot last) {
            if (first.segment != last.segment || last.offset + last.length < first.offset) {
                throw new IllegalArgumentException("not one run of a segment: " + first + " .. " + last);
            }
            return first.segment.slice(first.offset, last.offset + last.length - first.offset);
        }
    }

    /** How many recent pieces {@link #appendOnce} remembers. */
    private static final int RECENT = 16;

    private final Object[] recentPieces = new Object[RECENT];
    private final Slot[] recentSlots = new Slot[RECENT];
    private int recentNext;
    /**
     * A piece of a pooled log: a read-only buffer of exactly its bytes, and the owner of the memory holding them,
     * on which the caller holds one reference (for {@link Frame#media(int, io.osprey.spi.bus.Codec, long, int,
     * boolean, ByteBuffer, Frame.PayloadOwner)}, which takes it over).
     */
    public record Counted(ByteBuffer bytes, Frame.PayloadOwner owner) {
    }

    private final int segmentBytes;
    private final int ownBufferAbove;
    private final DirectPool pool;  // null: not pooled
    private ByteBuffer segment;     // writable, positioned at the next free byte
    private ByteBuffer segmentView; // read-only view of segment, shared by its slots
    private SegmentMemory segmentMemory; // pooled logs: the current segment's count (the log holds one reference)
    private boolean closed;
    private long appended;
    private long allocated;

    /** A log with {@value #DEFAULT_SEGMENT_BYTES}-byte segments. */
    public DirectLog() {
        this(DEFAULT_SEGMENT_BYTES);
    }

    public DirectLog(int segmentBytes) {
        this(segmentBytes, null);
    }

    /**
     * A log whose segments come from {@code pool} and go back to it once released (see the class comment); pieces
     * are appended with {@link #appendCounted}. {@code pool} null: an unpooled log.
     */
    public DirectLog(int segmentBytes, DirectPool pool) {
        if (segmentBytes < 16) {
            throw new IllegalArgumentException("segmentBytes " + segmentBytes + " < 16");
        }
        this.pool = pool;
        this.segmentBytes = pool == null ? segmentBytes : DirectPool.capacityFor(segmentBytes);
        this.ownBufferAbove = this.segmentBytes / 4;
    }

    /**
     * Pooled logs: copies the remaining bytes of {@code piece} (its position does not move) and returns them with a
     * reference to their memory that the caller now holds.
     */
    public synchronized Counted appendCounted(ByteBuffer piece) {
        if (pool == null) {
            throw new IllegalStateException("not a pooled log");
        }
        int n = piece.remaining();
        SegmentMemory memory;
        ByteBuffer into;
        if (n > ownBufferAbove || closed) {
            into = pool.acquire(n);
            allocated += into.capacity();
            memory = SegmentMemory.of(pool, into); // its one reference is the caller's
        } else {
            into = room(n);
            memory = segmentMemory;
            memory.retain();
        }
        int offset = into.position();
        into.put(offset, piece, piece.position(), n);
        into.position(offset + n);
        return new Counted(appended(into, offset, n).bytes(), memory);
    }

    /**
     * Pooled logs: gives up the log's reference to its current segment (it goes back to the pool once the pieces
     * in it are released). A piece appended after this gets a buffer of its own. Unpooled logs: nothing.
     */
    public synchronized void close() {
        closed = true;
        if (segmentMemory != null) {
            segmentMemory.release();
            segmentMemory = null;
            segment = null;
            segmentView = null;
        }
    }

    /** Copies the remaining bytes of {@code piece} (its position does not move) and returns where they are. */
    public synchronized Slot append(ByteBuffer piece) {
        unpooled();
        int n = piece.remaining();
        ByteBuffer into = room(n);
        int offset = into.position();
        into.put(offset, piece, piece.position(), n);
        into.position(offset + n);
        return appended(into, offset, n);
    }

    /**
     * Lets {@code writer} write one piece of at most {@code maxLength} bytes in place (no intermediate copy) and
     * returns where it is. If the writer throws, nothing is appended.
     */
    public synchronized Slot append(int maxLength, Writer writer) {
        unpooled();
        if (maxLength < 0) {
            throw new IllegalArgumentException("maxLength " + maxLength);
        }
        ByteBuffer into = room(maxLength);
        int offset = into.position();
        into.limit(offset + maxLength);
        try {
            writer.write(into);
        } catch (RuntimeException | Error e) {
            into.position(offset);
            throw e;
        } finally {
            into.limit(into.capacity());
        }
        if (into.position() < offset) {
            into.position(offset);
            throw new IllegalStateException("the writer moved the position back");
        }
        return appended(into, offset, into.position() - offset);
    }

    /**
     * Like {@link #append(int, Writer)}, but once per {@code piece} (compared by identity) among the last few
     * appended: a second call for the same piece returns the first slot and does not run {@code writer}. For logs
     * filled from {@code Frame.memo}, which may run its encoder twice when two readers reach a new frame at once.
     */
    public synchronized Slot appendOnce(Object piece, int maxLength, Writer writer) {
        for (int i = 0; i < RECENT; i++) {
            if (recentPieces[i] == piece) {
                return recentSlots[i];
            }
        }
        Slot slot = append(maxLength, writer);
        recentPieces[recentNext] = piece;
        recentSlots[recentNext] = slot;
        recentNext = (recentNext + 1) % RECENT;
        return slot;
    }

    /** Bytes appended so far. */
    public synchronized long bytesAppended() {
        return appended;
    }

    /** Direct bytes allocated so far (segments and own buffers, freed or not). */
    public synchronized long bytesAllocated() {
        return allocated;
    }

    private void unpooled() {
        if (pool != null) {
            throw new IllegalStateException("a pooled log appends with appendCounted");
        }
    }

    /** The buffer to write {@code n} bytes into at its position: the current segment, a new one, or an own one. */
    private ByteBuffer room(int n) {
        if (n > ownBufferAbove) {
            allocated += n;
            return ByteBuffer.allocateDirect(n);
        }
        if (segment == null || segment.remaining() < n) {
            if (pool == null) {
                segment = ByteBuffer.allocateDirect(segmentBytes);
            } else {
                if (segmentMemory != null) {
                    segmentMemory.release(); // the log's hold: the segment's pieces keep it from reuse
                }
                segment = pool.acquire(segmentBytes);
                segmentMemory = SegmentMemory.of(pool, segment);
            }
            segmentView = segment.asReadOnlyBuffer();
            allocated += segmentBytes;
        }
        return segment;
    }

    private Slot appended(ByteBuffer into, int offset, int n) {
        appended += n;
        ByteBuffer view = into == segment ? segmentView : into.asReadOnlyBuffer();
        return new Slot(view, offset, n);
    }
}
