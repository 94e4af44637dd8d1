package io.osprey.media.ts;

import io.osprey.media.buffer.DirectPool;
import io.osprey.media.buffer.SegmentMemory;
import io.osprey.spi.bus.Frame;
import java.nio.ByteBuffer;

/**
 * Builds the bytes of one MPEG-TS media segment (RFC 8216 3.2): PAT and PMT first, then every frame added, in
 * direct (off-heap) memory taken from a {@link DirectPool}. Each frame is muxed into a reused heap scratch buffer
 * and copied into the segment, so a segment in progress, which lives for its whole duration, is never promoted by
 * the garbage collector.
 *
 * <p>Two ways to hold a segment in progress. A segment nobody slices (plain HLS) is written into {@value #CHUNK}-byte
 * chunks and copied once, at {@link #finish()}, into a buffer of its size; the chunks go straight back to the pool.
 * So a stream holds what it has written so far plus less than a chunk, not a buffer sized for a whole segment
 * (about 300 KB touched per stream at 1 Mbit/s, 2 s segments, whatever the fill). A segment that is sliced (LL-HLS
 * parts, which must be contiguous and stay valid) is moved at its first slice into one buffer sized from the
 * previous segment, and the next segments start that way while slices keep coming.
 *
 * <p>Ownership: each segment's memory is a {@link SegmentMemory}. The writer holds one reference while the segment
 * is in progress; {@link #finish()} hands that reference to the caller, {@link #slice} (an LL-HLS part) takes a new
 * one for its caller. The bytes handed out are read-only and never change while a reference is held. A segment
 * that outgrows its buffer moves to a larger one; the smaller one goes straight back to the pool if nothing was
 * sliced from it, otherwise it stays with the segment's memory until the last reference is released. Whoever
 * releases the last reference recycles the memory; a reference never released leaves it to the garbage collector.
 *
 * <p>Not thread-safe: one thread writes; the memory's references may be released on any thread.
 */
public final class TsSegmentWriter {
    private final TsMuxer muxer;
    private final DirectPool pool;
    /** Chunk size of a segment nobody slices. */
    static final int CHUNK = 64 * 1024;

    private final java.util.function.Supplier<TsScratch> scratches;
    private SegmentMemory memory; // the segment in progress; one reference is the writer's
    private ByteBuffer segment;   // direct, in memory; position = bytes written (in chunks: the current chunk)
    private boolean sliced;       // a slice of the current buffer was handed out
    /** Full chunks before {@link #segment}, oldest first; null while the segment is one contiguous buffer. */
    private java.util.ArrayList<ByteBuffer> chunks;
    private int chunked;          // bytes in the full chunks
    private boolean slicing;      // the last segment was sliced: start the next one contiguous
    private int lastSize = 256 * 1024;
    private long firstDts;
    private long lastDts;
    private int frames;

    /** A writer taking its memory from {@link DirectPool#shared()}. */
    public TsSegmentWriter(TsMuxer muxer) {
        this(muxer, DirectPool.shared());
    }

    public TsSegmentWriter(TsMuxer muxer, DirectPool pool) {
        this(muxer, pool, ownScratch());
    }

    /**
     * A writer that muxes each frame in working memory from {@code scratch}, taken anew for every frame and never
     * kept between calls: writers that run on the same thread may share one per thread (a stream's writer then
     * holds its segment, not 128 KiB of scratch).
     *
     * @since ts 2.1
     */
    public TsSegmentWriter(TsMuxer muxer, DirectPool pool, java.util.function.Supplier<TsScratch> scratch) {
        this.muxer = muxer;
        this.pool = pool;
        this.scratches = scratch;
    }

    private static java.util.function.Supplier<TsScratch> ownScratch() {
        TsScratch own = new TsScratch();
        return () -> own;
    }

    /**
     * Starts a segment (implicitly done by the first {@link #add}); a segment in progress is dropped (the writer's
     * reference to it released; slices handed out stay valid while their references are held).
     */
    public void start() {
        abandon();
        memory = new SegmentMemory(pool);
        if (slicing) {
            segment = pool.acquire(lastSize + lastSize / 8);
            chunks = null;
        } else {
            segment = pool.acquire(CHUNK);
            chunks = new java.util.ArrayList<>(8);
        }
        chunked = 0;
        memory.add(segment);
        sliced = false;
        TsBuffer packets = scratches.get().packets;
        packets.reset();
        muxer.writePatPmt(packets);
        copy(packets);
        frames = 0;
    }

    /** Drops the segment in progress, if any, releasing the writer's reference to its memory. */
    public void abandon() {
        muxer.discardPending();
        if (memory != null) {
            SegmentMemory m = memory;
            memory = null;
            segment = null;
            chunks = null;
            m.release();
        }
    }

    /** Muxes {@code frame} into the current segment; false if the muxer does not carry it. */
    public boolean add(Frame frame) {
        if (segment == null) {
            start();
        }
        TsScratch s = scratches.get();
        s.packets.reset();
        if (!muxer.write(frame, s.packets, s)) {
            return false;
        }
        copy(s.packets);
        if (frames++ == 0) {
            firstDts = frame.dts();
            lastDts = frame.dts();
        }
        lastDts = Math.max(lastDts, frame.dts());
        return true;
    }

    /**
     * Writes into the current segment what the muxer holds back ({@link TsMuxer#mergeAudio merged AAC}), so that
     * {@link #size()} covers every frame added: before cutting a part at {@code size()}.
     *
     * @since ts 2.2
     */
    public void flush() {
        if (segment == null || !muxer.hasPending()) {
            return;
        }
        TsScratch s = scratches.get();
        s.packets.reset();
        muxer.flush(s.packets);
        copy(s.packets);
    }

    public boolean inProgress() {
        return segment != null;
    }

    /** Bytes written to the current segment so far. */
    public int size() {
        return segment == null ? 0 : chunked + segment.position();
    }

    /** Frames muxed into the current segment. */
    public int frames() {
        return frames;
    }

    /** DTS in ms of the first frame in the current segment. */
    public long firstDts() {
        return firstDts;
    }

    /** Largest DTS in ms in the current segment. */
    public long lastDts() {
        return lastDts;
    }

    /**
     * A shared read-only view of bytes {@code [from, to)} of the current segment (an LL-HLS part), with a new
     * reference to the segment's memory owned by the caller. A part cut at {@link #size()} calls {@link #flush()}
     * before it, so that it carries its merged audio.
     */
    public SharedBytes slice(int from, int to) {
        if (segment == null) {
            throw new IllegalStateException("no segment in progress");
        }
        if (from < 0 || to > size() || from > to) {
            throw new IndexOutOfBoundsException(from + ".." + to + " of " + size());
        }
        if (chunks != null) {
            contiguous(Math.max(lastSize + lastSize / 8, size()));
        }
        slicing = true;
        memory.retain();
        sliced = true;
        return new SharedBytes(segment.slice(from, to - from).asReadOnlyBuffer(), memory);
    }

    /**
     * Ends the segment ({@link #flush()} first) and returns its bytes, read-only, with the writer's reference to its
     * memory.
     */
    public SharedBytes finish() {
        if (segment == null) {
            start();
        }
        flush();
        int size = size();
        if (chunks != null) {
            contiguous(size); // the chunks, copied once into a buffer of the segment's size, go back to the pool
        }
        if (!sliced) {
            slicing = false; // no parts this time: the next segment is written in chunks again
        }
        if (!sliced && segment.capacity() - DirectPool.capacityFor(size) > size / 8) {
            // sized for a larger segment (the estimate, or the pool's next class up): a finished segment is held
            // for the whole playlist window, so move it to a buffer of its size; at 1 Mbit/s that is about 300 KB
            // copied every 2 s per stream, against up to a third more memory for each of the window's segments
            ByteBuffer fit = pool.acquire(size);
            fit.put(segment.flip());
            memory.remove(segment);
            pool.release(segment);
            memory.add(fit);
            segment = fit;
        }
        SharedBytes bytes = new SharedBytes(segment.slice(0, size).asReadOnlyBuffer(), memory);
        lastSize = size;
        segment = null;
        memory = null;
        return bytes;
    }

    /**
     * Moves the chunks written so far into one buffer of at least {@code capacity} bytes and releases them (nothing
     * was sliced from a chunk: slicing starts here).
     */
    private void contiguous(int capacity) {
        ByteBuffer one = pool.acquire(Math.max(capacity, 1));
        for (ByteBuffer c : chunks) {
            one.put(c.flip());
            memory.remove(c);
            pool.release(c);
        }
        one.put(segment.flip());
        memory.remove(segment);
        pool.release(segment);
        memory.add(one);
        segment = one;
        chunks = null;
        chunked = 0;
    }

    /** Appends a frame's packets to the segment, moving to a larger one if needed (earlier slices stay). */
    private void copy(TsBuffer packets) {
        int n = packets.size();
        if (chunks != null) {
            byte[] a = packets.array();
            int at = 0;
            while (at < n) {
                if (!segment.hasRemaining()) {
                    chunked += segment.position();
                    chunks.add(segment);
                    segment = pool.acquire(CHUNK);
                    memory.add(segment);
                }
                int k = Math.min(n - at, segment.remaining());
                segment.put(a, at, k);
                at += k;
            }
            return;
        }
        if (segment.remaining() < n) {
            int size = segment.position();
            long capacity = Math.max((long) size + n, (long) segment.capacity() * 3 / 2);
            ByteBuffer larger = pool.acquire((int) Math.min(capacity, Integer.MAX_VALUE - 8));
            ByteBuffer smaller = segment;
            larger.put(smaller.flip());
            memory.add(larger);
            segment = larger;
            if (!sliced) {
                memory.remove(smaller);
                pool.release(smaller); // nobody else ever saw it
            }
            sliced = false;
        }
        segment.put(packets.array(), 0, n);
    }
}
