package io.osprey.kernel.memory;

import io.osprey.media.buffer.DirectPool;
import java.lang.System.Logger.Level;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.util.function.LongSupplier;

/**
 * Gives memory back after load, every {@code server.memory.poolTrimIntervalMs}: the {@link DirectPool}'s buffers
 * that stayed idle through the period, and direct buffers nobody references any more but that the collector has not
 * found yet.
 *
 * <p>Why the second: a media buffer that is dropped rather than released to the pool is freed only when the
 * collector finds its {@code ByteBuffer} unreachable; media buffers live seconds, get promoted, and an old
 * collection may not come for hours on a small live heap. The JDK collects only when the direct-memory limit is
 * reached, so after a burst of load the process held gigabytes of dead buffers (issue 13: 4.85 GB RSS with nothing
 * live, 262 MB after a forced full collection). So when direct memory in use is above
 * {@code server.memory.directGcBytes} and either the load fell (the pool had buffers nobody asked for during the
 * period) or it has grown by half since the last collection this trimmer asked for, it asks for one
 * ({@code System.gc()}), at most once per {@code server.memory.directGcIntervalMs}. A full collection of a
 * small live heap takes tens of milliseconds; it runs only while dead memory accumulates.
 *
 * <p>The load falling is also read from the media published: a period whose bytes in are less than half the
 * previous period's marks a fall, kept until the next collection. The pool alone missed it: an ended stream's last
 * buffers (its ring) are dropped for the collector rather than released, so after rounds of pushes 1.5 GB of dead
 * buffers stayed, the pool never had a surplus and the memory in use had not grown by half since a collection
 * taken under the load (issue 13). The collection taken as the load falls still finds the last streams ending
 * (their buffers reachable), so one more follows an interval later if the load stayed down. These collections
 * after a fall start from an eighth of {@code directGcBytes}: a burst that left 255 MB dead, just below the
 * threshold, kept it for good (RSS 3.3x idle after push-memory).
 */
public final class MemoryTrimmer implements Runnable {

    private static final System.Logger LOG = System.getLogger(MemoryTrimmer.class.getName());

    private final DirectPool pool;
    private final long keepBytes;
    private final long gcBytes;
    private final long gcIntervalNanos;
    private final LongSupplier directUsed;
    private final Runnable gc;
    private final LongSupplier clock;
    private final LongSupplier bytesIn;
    private long usedAfterGc;
    private long lastGc;
    private long lastBytesIn;
    private long lastPeriodBytes;
    /** The media published fell by half from one period to the next since the last collection. */
    private boolean loadFell;
    /** A collection taken as the load fell wants one more once the interval allows, if the load stayed down. */
    private boolean followUp;
    private long fallPeriodBytes;

    /**
     * @param keepBytes  idle pooled bytes kept anyway
     * @param gcBytes    direct memory in use above which a collection may be asked for; 0 for never
     * @param gcInterval minimum time between two such collections, ms
     */
    public MemoryTrimmer(DirectPool pool, long keepBytes, long gcBytes, long gcInterval, LongSupplier directUsed,
                         Runnable gc, LongSupplier nanoClock) {
        this(pool, keepBytes, gcBytes, gcInterval, directUsed, gc, nanoClock, () -> 0L);
    }

    /** @param bytesIn media bytes published so far (the bus's counter): a fall in its rate is a fall of the load */
    public MemoryTrimmer(DirectPool pool, long keepBytes, long gcBytes, long gcInterval, LongSupplier directUsed,
                         Runnable gc, LongSupplier nanoClock, LongSupplier bytesIn) {
        this.pool = pool;
        this.bytesIn = bytesIn;
        this.keepBytes = keepBytes;
        this.gcBytes = gcBytes;
        this.gcIntervalNanos = gcInterval * 1_000_000L;
        this.directUsed = directUsed;
        this.gc = gc;
        this.clock = nanoClock;
        this.lastGc = nanoClock.getAsLong() - gcIntervalNanos;
    }

    /** The process-wide trimmer: the shared pool, the JVM's direct buffer pool, {@code System.gc()}. */
    public static MemoryTrimmer forProcess(long keepBytes, long gcBytes, long gcIntervalMs, LongSupplier bytesIn) {
        BufferPoolMXBean direct = ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class).stream()
                .filter(b -> b.getName().equals("direct")).findFirst().orElse(null);
        return new MemoryTrimmer(DirectPool.shared(), keepBytes, gcBytes, gcIntervalMs,
                direct == null ? () -> 0L : direct::getMemoryUsed, System::gc, System::nanoTime, bytesIn);
    }

    @Override
    public void run() {
        try {
            boolean demandFell = pool.trim(keepBytes) > 0;
            long in = bytesIn.getAsLong();
            long period = in - lastBytesIn;
            lastBytesIn = in;
            if (period < lastPeriodBytes / 2) {
                loadFell = true;
            }
            lastPeriodBytes = period;
            if (followUp && period > fallPeriodBytes) {
                followUp = false; // the load came back: what the first collection left may be live
            }
            long used = directUsed.getAsLong();
            long now = clock.getAsLong();
            // after a load, from an eighth of the threshold: what a burst leaves dead just below it would stay
            boolean fell = demandFell || loadFell || followUp;
            boolean due = used > gcBytes ? fell || used > usedAfterGc + usedAfterGc / 2 : fell && used > gcBytes / 8;
            if (gcBytes > 0 && due && now - lastGc >= gcIntervalNanos) {
                lastGc = now;
                // the first collection as the load falls finds the last streams still ending (their buffers
                // reachable): one more, an interval later, takes what they left if the load stayed down
                followUp = loadFell && !followUp;
                fallPeriodBytes = period;
                loadFell = false;
                gc.run();
                pool.trim(keepBytes);
                usedAfterGc = directUsed.getAsLong();
                LOG.log(Level.DEBUG, "direct memory {0} MB in use, {1} MB after a collection",
                        used >> 20, usedAfterGc >> 20);
            }
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "memory trim failed", e);
        }
    }

}
