package io.osprey.media.live;

import io.osprey.spi.Scheduler;
import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;

/**
 * Write merging for a live output with many viewers. Most of what a viewer costs the server is the kernel's work per
 * write call (on loopback, the receiver's TCP processing too), not the bytes: one write per frame per viewer is
 * ~70 writes a second per viewer, and at thousands of viewers that alone fills the cores. So the output gets a budget
 * of write calls per second; each viewer that just wrote waits for its share of it before asking for more, and
 * everything that arrived meanwhile goes out in one write.
 *
 * <p>The window is {@code viewers / writesPerSecond} (at most {@code maxMs}), recomputed at every tick: with few
 * viewers it is under {@link #MIN_WINDOW_MS} and nothing waits (every frame is written the moment it arrives); as
 * viewers grow, latency grows with the window instead of every viewer falling behind at once. SRS merges with a
 * fixed window (its {@code mw_latency}, 350 ms by default); this one is only as long as the load needs.
 *
 * <p>Ticks only while merging: with a window of 0 (few viewers, or none writing) nothing is scheduled; the window
 * is re-evaluated when a viewer asks ({@link #defer}), at most every {@value #IDLE_CHECK_MS} ms. An idle ticker
 * woke a scheduler thread 20 times a second per output for nothing (on this VM's paravirtualised wake-ups a
 * visible share of an idle server's CPU).
 *
 * <p>Thread-safe. One tick task on the plugin's {@link Scheduler} while merging; no threads of its own.
 */
public final class WriteMerger implements AutoCloseable {

    /** A shorter window saves too little to be worth the wait. */
    public static final long MIN_WINDOW_MS = 5;
    /** How often the window is re-evaluated while it is 0 (by the viewers that write). */
    static final long IDLE_CHECK_MS = 50;
    private static final long IDLE_CHECK_NANOS = TimeUnit.MILLISECONDS.toNanos(IDLE_CHECK_MS);

    private final Scheduler scheduler;
    private final long maxMs;
    private final long writesPerSecond;
    private final IntSupplier viewers;
    private final ConcurrentLinkedQueue<Runnable> waiting = new ConcurrentLinkedQueue<>();
    private volatile long windowMs;
    private volatile boolean closed;
    /** A tick is scheduled or running. */
    private final java.util.concurrent.atomic.AtomicBoolean ticking = new java.util.concurrent.atomic.AtomicBoolean();
    /** When an idle {@link #defer} may look at the viewer count again. */
    private volatile long nextCheckNanos = System.nanoTime();

    /**
     * @param maxMs           the longest window; 0 never merges
     * @param writesPerSecond the budget for all viewers of this output (must be positive)
     * @param viewers         how many viewers there are now
     */
    public WriteMerger(Scheduler scheduler, long maxMs, long writesPerSecond, IntSupplier viewers) {
        if (maxMs < 0 || writesPerSecond <= 0) {
            throw new IllegalArgumentException("maxMs must be >= 0 and writesPerSecond > 0");
        }
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
        this.maxMs = maxMs;
        this.writesPerSecond = writesPerSecond;
        this.viewers = Objects.requireNonNull(viewers, "viewers");
    }

    /** The configured budget, or (when {@code configured} is 0) {@code writesPerCore} for each core of this machine. */
    public static long budget(long configured, long writesPerCore) {
        return configured > 0 ? configured : writesPerCore * Runtime.getRuntime().availableProcessors();
    }

    /** The window for {@code viewers} viewers, ms: their share of the budget, 0 if under {@link #MIN_WINDOW_MS}. */
    public static long windowMs(int viewers, long writesPerSecond, long maxMs) {
        if (maxMs <= 0) {
            return 0;
        }
        long ms = Math.min(maxMs, viewers * 1000L / Math.max(1, writesPerSecond));
        return ms < MIN_WINDOW_MS ? 0 : ms;
    }

    /** The current window, ms (0: nothing waits). */
    public long windowMs() {
        return windowMs;
    }

    /**
     * Called by a viewer whose write just completed, with what it would do next ({@code demand}: ask the bus for
     * more). Returns false if there is no window now (the caller runs {@code demand} itself); true if
     * {@code demand} will run at the next tick, on a scheduler thread.
     */
    public boolean defer(Runnable demand) {
        if (closed || maxMs == 0) {
            return false;
        }
        long w = windowMs;
        if (w == 0) {
            long now = System.nanoTime();
            if (now - nextCheckNanos < 0) {
                return false;
            }
            nextCheckNanos = now + IDLE_CHECK_NANOS; // a benign race: two viewers may both look
            w = windowMs(viewers.getAsInt(), writesPerSecond, maxMs);
            if (w == 0) {
                return false;
            }
            windowMs = w;
        }
        waiting.add(demand);
        startTicking(w);
        return true;
    }

    private void startTicking(long delayMs) {
        if (ticking.compareAndSet(false, true)) {
            scheduler.schedule(this::tick, delayMs, TimeUnit.MILLISECONDS);
        }
    }

    private void tick() {
        for (int n = waiting.size(); n > 0; n--) {
            Runnable r = waiting.poll();
            if (r == null) {
                break;
            }
            run(r);
        }
        long w = closed ? 0 : windowMs(viewers.getAsInt(), writesPerSecond, maxMs);
        windowMs = w;
        if (w > 0) {
            scheduler.schedule(this::tick, w, TimeUnit.MILLISECONDS);
            return;
        }
        // no window: stop ticking. What came in meanwhile goes now; a defer that adds after this drain saw the
        // window open and schedules a tick itself (ticking is already false when the drain starts)
        nextCheckNanos = System.nanoTime() + IDLE_CHECK_NANOS;
        ticking.set(false);
        Runnable r;
        while ((r = waiting.poll()) != null) {
            run(r);
        }
    }

    private static void run(Runnable r) {
        try {
            r.run();
        } catch (RuntimeException e) {
            System.getLogger(WriteMerger.class.getName()).log(System.Logger.Level.WARNING,
                    "a deferred demand failed", e);
        }
    }

    /** Stops merging; whatever waits is released by one last tick (or by the caller closing its viewers). */
    @Override
    public void close() {
        closed = true;
        windowMs = 0;
        if (!waiting.isEmpty()) {
            startTicking(0);
        }
    }
}
