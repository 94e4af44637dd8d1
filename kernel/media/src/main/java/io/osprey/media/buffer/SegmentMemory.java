package io.osprey.media.buffer;

import io.osprey.spi.bus.Frame;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The pooled direct buffers of one segment (or of any bytes served from a {@link DirectPool}), shared by reference
 * count and handed back to the pool when the last reference is released.
 *
 * <p>Why: a segment's bytes are read by many parties for different lengths of time: an HLS segment by the playlist
 * window while it is listed, each HTTP response until its write completes, a disk mirror until the file is written,
 * the LL-HLS parts that are slices of it; a {@link DirectLog} segment of frame payloads by every frame in it (as
 * the {@link Frame.PayloadOwner} of pooled frames). Only when all of them are done may its memory be overwritten by the next segment.
 * Each party holds one reference: {@link #retain()} or {@link #tryRetain()} before reading, {@link #release()} when
 * done. The count starts at one, owned by whoever created the memory (the {@link TsSegmentWriter} while the segment
 * is in progress, which {@code TsSegmentWriter.finish()} hands to its caller; the {@link DirectLog} while a
 * segment is its current one).
 *
 * <p>Once the count has reached zero it stays there: {@link #tryRetain()} returns false and {@link #retain()}
 * throws, so a late reader (a request racing with the window's eviction) can never resurrect recycled bytes; it
 * must answer as if the bytes were gone. Releasing more references than were taken throws
 * {@link IllegalStateException}. A reference never released is not a leak: the buffers are then freed by the
 * garbage collector as without a pool.
 *
 * <p>The memory may consist of several buffers: a segment in progress that outgrows its buffer moves to a larger
 * one, and the smaller one must stay untouched while parts sliced from it may still be read.
 *
 * <p>Thread-safety: retain, tryRetain and release may be called from any thread. Buffers are added only by the
 * holder of a reference (the writer, on its own thread); the release that reaches zero, on whichever thread, hands
 * them all back to the pool.
 */
public final class SegmentMemory implements Frame.PayloadOwner {
    private final DirectPool pool;
    private final AtomicInteger refs = new AtomicInteger(1);
    // written only while the writer holds a reference; read by the final release, ordered by the count's updates
    private final List<ByteBuffer> buffers = new ArrayList<>(2);
    /** Runs at the last release, after the buffers went back (null: nothing to run). */
    private volatile Runnable whenReleased;

    /** Memory with no buffer yet and one reference, the caller's; buffers join with {@link #add}. */
    public SegmentMemory(DirectPool pool) {
        this.pool = pool;
    }

    /**
     * Memory of one buffer acquired from {@code pool}, with one reference owned by the caller. {@code buffer} goes
     * back to {@code pool} when the last reference is released.
     */
    public static SegmentMemory of(DirectPool pool, ByteBuffer buffer) {
        SegmentMemory m = new SegmentMemory(pool);
        m.add(buffer);
        return m;
    }

    /**
     * Memory that is not the pool's (a file's pages, say) but is shared and released the same way: {@code release}
     * runs once, on whichever thread releases the last reference. One reference, the caller's.
     *
     * @since buffer 1.3
     */
    public static SegmentMemory whenReleased(Runnable release) {
        SegmentMemory m = new SegmentMemory(null);
        m.whenReleased = java.util.Objects.requireNonNull(release, "release");
        return m;
    }

    /** Adds a buffer to hand back with the others; only while holding a reference. */
    public void add(ByteBuffer buffer) {
        if (refs.get() <= 0) {
            throw new IllegalStateException("segment memory already released");
        }
        buffers.add(buffer);
    }

    /** Forgets a buffer that nobody read (a segment outgrew it before anything was sliced); its writer only. */
    public void remove(ByteBuffer buffer) {
        for (int i = buffers.size() - 1; i >= 0; i--) {
            if (buffers.get(i) == buffer) {
                buffers.remove(i);
                return;
            }
        }
    }

    /** Takes another reference; false, changing nothing, if the memory was already released to the pool. */
    public boolean tryRetain() {
        while (true) {
            int n = refs.get();
            if (n <= 0) {
                return false;
            }
            if (n == Integer.MAX_VALUE) {
                throw new IllegalStateException("too many references");
            }
            if (refs.compareAndSet(n, n + 1)) {
                return true;
            }
        }
    }

    /** Takes another reference; the caller must already hold one (otherwise the memory may be gone: throws). */
    @Override
    public void retain() {
        if (!tryRetain()) {
            throw new IllegalStateException("segment memory already released");
        }
    }

    /**
     * Gives up one reference; the last one hands the buffers back to the pool, after which nothing may read them.
     *
     * @throws IllegalStateException if every reference was already released
     */
    @Override
    public void release() {
        while (true) {
            int n = refs.get();
            if (n <= 0) {
                throw new IllegalStateException("segment memory released more often than retained");
            }
            if (refs.compareAndSet(n, n - 1)) {
                if (n == 1) {
                    for (ByteBuffer b : buffers) {
                        pool.release(b);
                    }
                    buffers.clear();
                    Runnable r = whenReleased;
                    if (r != null) {
                        r.run();
                    }
                }
                return;
            }
        }
    }

    /** References held now; 0 once released (for tests and metrics). */
    public int refCount() {
        return Math.max(0, refs.get());
    }
}
