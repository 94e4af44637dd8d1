package io.osprey.media.buffer;

import java.nio.ByteBuffer;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Direct buffers handed back and reused, so that memory a stream lets go of feeds the next allocation instead of
 * waiting for the garbage collector.
 *
 * <p>Why: a direct buffer's memory is freed only when the collector finds its {@code ByteBuffer} unreachable. Media
 * buffers live seconds (a GOP, a playlist window), long enough to be promoted, and promoted objects are found only
 * by an old-generation collection, which a server with a small heap rarely runs. Until then every new buffer is
 * fresh memory: the JDK zeroes it and the kernel faults in and zeroes each page. With 500 ingest streams that was
 * a third of the server's CPU ({@code perf}: {@code clear_page_erms}) and gigabytes of RSS. A buffer released here
 * is taken again by the next {@link #acquire} of its size class: no zeroing, no page faults.
 *
 * <p>Size classes are multiples of {@value #GRAIN} bytes up to {@link #MAX_POOLED}; larger requests get a fresh
 * buffer and are not kept on release. A request whose class is empty takes an idle buffer up to a quarter larger
 * before allocating (segments of one stream vary in size around their mean: without this they would miss the
 * pool while buffers a class or two larger wait in it). At most {@code maxIdleBytes} wait in the pool; a release
 * beyond that is left to the collector, as without a pool.
 *
 * <p>Ownership: {@link #release} only a buffer that nothing reads any more (no view, slice or pending write): its
 * bytes will be overwritten by the next owner. A buffer never released is not a leak; the collector frees it as
 * usual. Acquired buffers are not zeroed: position 0, limit = capacity, contents undefined.
 *
 * <p>Trimming: memory the pool holds but nobody needs is given back by {@link #trim}, which the kernel calls
 * periodically (every 10 s). Bytes that stayed idle through a whole period (the lowest idle level since the last
 * trim) are surplus; those above {@code lowWatermark} are freed at once, explicitly (the buffer's cleaner, via
 * {@code sun.misc.Unsafe.invokeCleaner}; without it the buffer is dropped for the collector). So after a burst
 * of load the pool shrinks back within two periods, under steady load it keeps what the load cycles through, and
 * malloc gets the memory back for the OS without waiting for a full collection.
 *
 * <p>Thread-safety: all methods may be called from any thread; acquire and release do not block.
 */
public final class DirectPool {

    /** Size-class step: capacities are rounded up to a multiple of this. */
    public static final int GRAIN = 16 * 1024;
    /** Largest capacity pooled. */
    public static final int MAX_POOLED = 8 * 1024 * 1024;

    private static final DirectPool SHARED = new DirectPool(256L * 1024 * 1024);

    @SuppressWarnings("unchecked")
    private final ConcurrentLinkedQueue<ByteBuffer>[] classes =
            new ConcurrentLinkedQueue[MAX_POOLED / GRAIN + 1];
    private final long maxIdleBytes;
    private final AtomicLong idleBytes = new AtomicLong();
    private final LongAdder reused = new LongAdder();
    private final LongAdder allocated = new LongAdder();
    private final LongAdder allocatedBytes = new LongAdder();
    /** The lowest {@link #idleBytes} since the last trim: what the load did not need during the period. */
    private final AtomicLong minIdleSinceTrim = new AtomicLong();
    private final LongAdder freed = new LongAdder();
    private final LongAdder freedBytes = new LongAdder();

    /** The process-wide pool (256 MiB idle at most) that the media paths share. */
    public static DirectPool shared() {
        return SHARED;
    }

    public DirectPool(long maxIdleBytes) {
        if (maxIdleBytes < 0) {
            throw new IllegalArgumentException("maxIdleBytes " + maxIdleBytes);
        }
        this.maxIdleBytes = maxIdleBytes;
        for (int i = 0; i < classes.length; i++) {
            classes[i] = new ConcurrentLinkedQueue<>();
        }
    }

    /** The capacity {@link #acquire} returns for a request of {@code minCapacity} bytes. */
    public static int capacityFor(int minCapacity) {
        if (minCapacity < 0) {
            throw new IllegalArgumentException("capacity " + minCapacity);
        }
        if (minCapacity > MAX_POOLED) {
            return minCapacity;
        }
        return Math.max(1, (minCapacity + GRAIN - 1) / GRAIN) * GRAIN;
    }

    /**
     * A direct buffer of at least {@link #capacityFor capacityFor(minCapacity)} bytes: an idle one of that class or
     * up to a quarter larger, else a new one of exactly that capacity.
     */
    public ByteBuffer acquire(int minCapacity) {
        int capacity = capacityFor(minCapacity);
        if (capacity <= MAX_POOLED) {
            int c = capacity / GRAIN;
            int last = Math.min(classes.length - 1, c + c / 4);
            for (int i = c; i <= last; i++) {
                ByteBuffer b = classes[i].poll();
                if (b != null) {
                    noteIdle(idleBytes.addAndGet(-b.capacity()));
                    reused.increment();
                    return b.clear();
                }
            }
        }
        allocated.increment();
        allocatedBytes.add(capacity);
        return ByteBuffer.allocateDirect(capacity);
    }

    /**
     * Gives {@code buffer} back for reuse. It must be a buffer from {@link #acquire} (or any direct, writable buffer
     * whose capacity is a size class) that nobody reads any more. Other buffers, and buffers beyond the idle limit,
     * are left to the garbage collector.
     */
    public void release(ByteBuffer buffer) {
        int capacity = buffer.capacity();
        if (!buffer.isDirect() || buffer.isReadOnly() || capacity > MAX_POOLED || capacity % GRAIN != 0
                || capacity == 0) {
            return;
        }
        if (idleBytes.addAndGet(capacity) > maxIdleBytes) {
            idleBytes.addAndGet(-capacity);
            return;
        }
        classes[capacity / GRAIN].add(buffer);
    }

    /**
     * Frees a direct buffer's memory, or unmaps a {@link java.nio.MappedByteBuffer}, at once, if the JDK lets us
     * (false: left to the collector). Only for a buffer that nothing reads any more, not a view or duplicate.
     *
     * @since buffer 1.3
     */
    public static boolean freeNow(ByteBuffer b) {
        if (Cleaner.INVOKE != null && b.isDirect()) {
            try {
                Cleaner.INVOKE.invokeExact(b);
                return true;
            } catch (Throwable e) {
                // a view or duplicate (IllegalArgumentException): not ours to free; the collector will
            }
        }
        return false;
    }

    /** {@code sun.misc.Unsafe.invokeCleaner(ByteBuffer)} bound to the instance, or null (off, or not available). */
    private static final class Cleaner {
        static final java.lang.invoke.MethodHandle INVOKE = find();

        private static java.lang.invoke.MethodHandle find() {
            if (!Boolean.parseBoolean(System.getProperty("osprey.directPool.explicitFree", "true"))) {
                return null;
            }
            try {
                Class<?> unsafe = Class.forName("sun.misc.Unsafe");
                java.lang.reflect.Field f = unsafe.getDeclaredField("theUnsafe");
                f.setAccessible(true);
                return java.lang.invoke.MethodHandles.lookup()
                        .findVirtual(unsafe, "invokeCleaner",
                                java.lang.invoke.MethodType.methodType(void.class, ByteBuffer.class))
                        .bindTo(f.get(null));
            } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
                return null;
            }
        }
    }

    private void noteIdle(long idle) {
        long min = minIdleSinceTrim.get();
        while (idle < min && !minIdleSinceTrim.compareAndSet(min, idle)) {
            min = minIdleSinceTrim.get();
        }
    }

    /**
     * Frees the buffers that were idle through the whole period since the last call, down to {@code lowWatermark}
     * idle bytes: the largest classes first (they are the rarest to be asked for again). Called periodically from
     * one thread; concurrent acquire and release go on meanwhile.
     *
     * @param lowWatermark idle bytes kept in any case, ready for the next burst
     * @return bytes freed
     */
    public long trim(long lowWatermark) {
        long idleNow = idleBytes.get();
        long surplus = Math.min(minIdleSinceTrim.getAndSet(idleNow), idleNow) - Math.max(0, lowWatermark);
        long done = 0;
        for (int c = classes.length - 1; c >= 0 && done < surplus; c--) {
            ByteBuffer b;
            while (done < surplus && (b = classes[c].poll()) != null) {
                int capacity = b.capacity();
                noteIdle(idleBytes.addAndGet(-capacity));
                freeNow(b);
                done += capacity;
                freed.increment();
                freedBytes.add(capacity);
            }
        }
        return done;
    }

    /** Bytes waiting in the pool. */
    public long idleBytes() {
        return idleBytes.get();
    }

    /** Acquisitions served from the pool. */
    public long reused() {
        return reused.sum();
    }

    /** Acquisitions that allocated fresh memory, and their bytes. */
    public long allocated() {
        return allocated.sum();
    }

    public long allocatedBytes() {
        return allocatedBytes.sum();
    }

    /** Buffers {@link #trim} freed, and their bytes. */
    public long freed() {
        return freed.sum();
    }

    public long freedBytes() {
        return freedBytes.sum();
    }

    /** Whether {@link #trim} frees memory at once (else it leaves dropped buffers to the collector). */
    public static boolean freesExplicitly() {
        return Cleaner.INVOKE != null;
    }
}
