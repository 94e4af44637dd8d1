package io.osprey.plugin.ratelimit;

import java.util.concurrent.atomic.AtomicLong;

/**
 * One token bucket, as the generic cell rate algorithm (ITU-T I.371 annex A, "virtual scheduling"): instead of a
 * token count and a refill time it keeps one number, the theoretical arrival time (TAT) of the next request. A
 * request at {@code now} is allowed if, after adding one emission interval {@code T = 1/rate}, the TAT is at most
 * {@code burst * T} ahead of now; that is exactly a bucket of {@code burst} tokens refilled at {@code rate}. One
 * compare-and-set per request, no lock. When the rate or burst changes (live reconfiguration) the bucket starts
 * full under the new limits.
 * A bucket whose TAT has passed is full: it can be dropped and recreated without changing any answer.
 */
final class Gcra {

    private final AtomicLong tat = new AtomicLong(Long.MIN_VALUE);
    /** The interval and tolerance the TAT was built with; new limits start from a full bucket. */
    private volatile long lastInterval;
    private volatile long lastTolerance;

    /**
     * @return 0 if allowed; otherwise the nanoseconds until a request would be (at least 1)
     */
    long take(long now, double ratePerSecond, double burst) {
        long interval = Math.max(1, (long) (1e9 / ratePerSecond));
        long tolerance = (long) (burst * interval);
        if (interval != lastInterval || tolerance != lastTolerance) { // reconfigured: the old debt is forgiven
            lastInterval = interval;
            lastTolerance = tolerance;
            tat.set(Long.MIN_VALUE);
        }
        while (true) {
            long t = tat.get();
            long start = t == Long.MIN_VALUE || t - now < 0 ? now : t;
            long next = start + interval;
            long ahead = next - now;
            if (ahead > tolerance) {
                return Math.max(1, ahead - tolerance);
            }
            if (tat.compareAndSet(t, next)) {
                return 0;
            }
        }
    }

    /** Whether the bucket is full again at {@code now} (nothing to remember). */
    boolean idle(long now) {
        long t = tat.get();
        return t == Long.MIN_VALUE || t - now <= 0;
    }
}
