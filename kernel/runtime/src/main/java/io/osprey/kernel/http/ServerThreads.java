package io.osprey.kernel.http;

import io.osprey.kernel.config.ServerConfig;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * The server's one thread pool, sized from {@code server.threads}. Nothing in Osprey holds a pool thread per
 * connection (HTTP-FLV and WebSocket writes complete asynchronously, RTMP is a non-blocking connection, the bus hands
 * ready subscribers to at most one drain task per core), so the pool needs the selectors and acceptors, a few
 * reserved threads, one drainer per core and whatever blocking handlers run at once; its maximum is a ceiling for
 * bursts of those, not a thread per viewer.
 *
 * <p>Jetty's pool starts a thread whenever a task finds no idle one, and lets threads above the minimum go at
 * {@link QueuedThreadPool#setMaxEvictCount} per idle timeout (checked whenever a thread runs out of jobs). Jetty's
 * default of one per timeout, or the 32 per minute set here before, keeps the 480 surplus threads of a burst for a
 * quarter of an hour or more; a quarter of the maximum per timeout lets a burst's threads go within a few timeouts without
 * a ramp evicting threads it is about to need again.
 */
final class ServerThreads {

    /** Threads per core when {@code server.threads.max} is 0. */
    static final int PER_CORE = 16;
    /** The least derived maximum: three connectors with their selectors on a small machine, and blocking handlers. */
    static final int FLOOR = 64;

    private ServerThreads() {
    }

    /** The configured maximum, or {@link #PER_CORE} per core and at least {@link #FLOOR}. */
    static int max(ServerConfig.Threads t, int cores) {
        return t.max > 0 ? t.max : Math.max(FLOOR, PER_CORE * cores);
    }

    static QueuedThreadPool create(ServerConfig.Threads t) {
        int max = max(t, Runtime.getRuntime().availableProcessors());
        QueuedThreadPool pool = new QueuedThreadPool(max, Math.min(t.min, max),
                (int) Math.min(Integer.MAX_VALUE, t.idleTimeoutMs), t.reserved, null, null);
        pool.setName("osprey");
        pool.setMaxEvictCount(Math.max(1, max / 4));
        return pool;
    }
}
