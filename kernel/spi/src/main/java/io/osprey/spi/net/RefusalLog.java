package io.osprey.spi.net;

import java.lang.System.Logger.Level;
import java.util.Iterator;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * Logs refused clients (a connection over a cap, a malformed request, a failed token, a flood closed) at most once
 * per client per rule per interval, so that an operator sees every kind of refusal and who caused it while an
 * attacker cannot flood the log: the first refusal of {@code (client, rule)} in an interval is logged at
 * {@code WARNING}; later ones in the same interval are only counted, and the count is reported with the next line
 * logged for that pair.
 *
 * <p>Memory is bounded: at most {@code maxKeys} pairs are remembered. When the table is full, pairs older than the
 * interval are dropped; if it is still full (more distinct clients than that within one interval, e.g. a spread
 * attack), the refusal is accounted to the client {@code "*"} for that rule, so one line per interval still
 * reports it.
 *
 * <p>Thread-safety: all methods may be called from any thread, including Jetty's selector threads; {@link #refuse}
 * does not block beyond a map update and never throws.
 *
 * <pre>{@code
 * private static final RefusalLog REFUSALS = new RefusalLog(System.getLogger("io.osprey.plugin.httpflv"), 60_000);
 * ...
 * if (viewers >= cap) {
 *     REFUSALS.refuse(remoteIp, "viewer cap", viewers + " of " + cap + " viewers");
 *     // answer 503 / close
 * }
 * }</pre>
 * A line reads {@code refused 127.0.0.2: viewer cap (2000 of 2000 viewers); 57 more since the last report}.
 */
public final class RefusalLog {

    /** The default interval: one line per client and rule per minute. */
    public static final long DEFAULT_INTERVAL_MILLIS = 60_000;

    private static final int DEFAULT_MAX_KEYS = 4096;

    private final System.Logger logger;
    private final long intervalNanos;
    private final int maxKeys;
    private final LongSupplier clock;
    private final Map<Key, Entry> entries = new ConcurrentHashMap<>();
    private final LongAdder total = new LongAdder();

    private record Key(String client, String rule) {
    }

    private static final class Entry {
        long lastLogged;
        long suppressed;

        Entry(long lastLogged) {
            this.lastLogged = lastLogged;
        }
    }

    /**
     * @param logger         where the lines go
     * @param intervalMillis at most one line per client and rule per this many milliseconds (positive)
     */
    public RefusalLog(System.Logger logger, long intervalMillis) {
        this(logger, intervalMillis, DEFAULT_MAX_KEYS, System::nanoTime);
    }

    /** As {@link #RefusalLog(System.Logger, long)}, remembering at most {@code maxKeys} pairs, on {@code nanoClock}. */
    public RefusalLog(System.Logger logger, long intervalMillis, int maxKeys, LongSupplier nanoClock) {
        this.logger = Objects.requireNonNull(logger, "logger");
        if (intervalMillis <= 0 || maxKeys < 1) {
            throw new IllegalArgumentException("interval " + intervalMillis + " ms, maxKeys " + maxKeys);
        }
        this.intervalNanos = intervalMillis * 1_000_000L;
        this.maxKeys = maxKeys;
        this.clock = Objects.requireNonNull(nanoClock, "nanoClock");
    }

    /**
     * Records that {@code client} was refused by {@code rule}, and logs it unless this pair was already logged within
     * the interval.
     *
     * @param client the client's address (an IP, without port, so one client is one key), or any short id
     * @param rule   the rule that refused it, a short constant phrase such as {@code "connection cap"}
     * @param detail what exactly happened (may be empty); only the logged occurrence's detail is shown
     * @return {@code true} if a line was logged
     */
    public boolean refuse(String client, String rule, String detail) {
        total.increment();
        long now = clock.getAsLong();
        Key key = new Key(client == null ? "?" : client, rule == null ? "?" : rule);
        Entry e = entries.get(key);
        if (e == null && entries.size() >= maxKeys) {
            expire(now);
            if (entries.size() >= maxKeys) {
                key = new Key("*", key.rule());
                detail = "more than " + maxKeys + " clients refused" + (detail == null || detail.isEmpty() ? "" : "; " + detail);
            }
        }
        long suppressed;
        Entry fresh = new Entry(now);
        e = entries.putIfAbsent(key, fresh);
        if (e == null) {
            suppressed = 0;
        } else {
            synchronized (e) {
                if (now - e.lastLogged < intervalNanos) {
                    e.suppressed++;
                    return false;
                }
                suppressed = e.suppressed;
                e.suppressed = 0;
                e.lastLogged = now;
            }
        }
        try {
            logger.log(Level.WARNING, "refused " + key.client() + ": " + key.rule()
                    + (detail == null || detail.isEmpty() ? "" : " (" + detail + ")")
                    + (suppressed == 0 ? "" : "; " + suppressed + " more since the last report"));
        } catch (RuntimeException ignored) {
            // a broken log handler must not break the refusal itself
        }
        return true;
    }

    private void expire(long now) {
        for (Iterator<Entry> it = entries.values().iterator(); it.hasNext(); ) {
            Entry e = it.next();
            synchronized (e) {
                if (now - e.lastLogged >= intervalNanos) {
                    it.remove();
                }
            }
        }
    }

    /** Every refusal recorded, logged or not. */
    public long refusals() {
        return total.sum();
    }

    /** Pairs remembered now (for tests and diagnostics). */
    public int trackedKeys() {
        return entries.size();
    }
}
