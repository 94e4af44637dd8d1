package io.osprey.kernel.cluster;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The in-memory side of {@link KernelCounters}: this node's slots, token buckets and expiring counters. Idle
 * buckets and expired counters are dropped by {@link #sweep}, so memory follows the keys in use, not every key
 * ever seen.
 */
final class LocalCounters {

    private final ConcurrentHashMap<String, AtomicLong> slots = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Bucket> buckets = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Counter> counters = new ConcurrentHashMap<>();

    /** A token bucket; guarded by itself. */
    static final class Bucket {
        private double tokens;
        private long lastNanos;
        private double rate;
        private double burst;

        Bucket(double burst, long now) {
            this.tokens = burst;
            this.lastNanos = now;
        }

        synchronized long take(long now, double ratePerSecond, double burstSize) {
            rate = ratePerSecond;
            burst = burstSize;
            tokens = Math.min(burst, tokens + (now - lastNanos) * rate / 1e9);
            lastNanos = now;
            if (tokens >= 1) {
                tokens -= 1;
                return 0;
            }
            return Math.max(1, (long) Math.ceil((1 - tokens) * 1000 / rate));
        }

        synchronized boolean full(long now) {
            return tokens + (now - lastNanos) * rate / 1e9 >= burst;
        }
    }

    private static final class Counter {
        final AtomicLong value = new AtomicLong();
        volatile long expiresNanos;
    }

    boolean tryAcquire(String name, long limit) {
        AtomicLong n = slots.computeIfAbsent(name, k -> new AtomicLong());
        while (true) {
            long v = n.get();
            if (v >= limit) {
                return false;
            }
            if (n.compareAndSet(v, v + 1)) {
                return true;
            }
        }
    }

    /** Counts a slot taken through the cluster (no limit here: the cluster decided). */
    void add(String name) {
        slots.computeIfAbsent(name, k -> new AtomicLong()).incrementAndGet();
    }

    /** Gives back a slot; returns what this node still holds of {@code name}. */
    long release(String name) {
        long[] left = new long[1];
        slots.computeIfPresent(name, (k, n) -> {
            left[0] = Math.max(0, n.decrementAndGet());
            return left[0] == 0 ? null : n;
        });
        return left[0];
    }

    long held(String name) {
        AtomicLong n = slots.get(name);
        return n == null ? 0 : n.get();
    }

    /** A snapshot of this node's slots (names with at least one). */
    Map<String, Long> slots() {
        Map<String, Long> out = new java.util.HashMap<>();
        slots.forEach((k, v) -> {
            if (v.get() > 0) {
                out.put(k, v.get());
            }
        });
        return out;
    }

    long take(String name, double rate, double burst) {
        long now = System.nanoTime();
        return buckets.computeIfAbsent(name, k -> new Bucket(burst, now)).take(now, rate, burst);
    }

    long incrementBy(String name, long delta, long ttlNanos) {
        long now = System.nanoTime();
        Counter c = counters.compute(name, (k, old) -> old == null || old.expiresNanos - now < 0 ? new Counter() : old);
        c.expiresNanos = now + ttlNanos;
        return c.value.addAndGet(delta);
    }

    /** Drops buckets that have refilled and counters past their TTL. */
    void sweep() {
        long now = System.nanoTime();
        buckets.values().removeIf(b -> b.full(now));
        counters.values().removeIf(c -> c.expiresNanos - now < 0);
    }

    int buckets() {
        return buckets.size();
    }
}
