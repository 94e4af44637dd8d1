package io.osprey.plugin.sources;

import java.util.function.DoubleSupplier;

/**
 * Exponential reconnect delays with jitter: {@code min}, then doubling up to {@code max}, each delay lengthened by
 * up to 25% at random so that many sources failing together (a camera switch rebooting) do not reconnect in step.
 * Not thread-safe (one source's supervisor, under its lock).
 */
final class Backoff {

    private final long minMs;
    private final long maxMs;
    private final DoubleSupplier random;
    private long nextMs;

    Backoff(long minMs, long maxMs, DoubleSupplier random) {
        this.minMs = minMs;
        this.maxMs = maxMs;
        this.random = random;
        this.nextMs = minMs;
    }

    /** The delay before the next attempt; the one after is twice as long (bounded). */
    long next() {
        long base = nextMs;
        nextMs = Math.min(maxMs, nextMs * 2);
        return Math.min(maxMs, base + (long) (base * 0.25 * random.getAsDouble()));
    }

    /** The source worked for a while: the next failure waits {@code min} again. */
    void reset() {
        nextMs = minMs;
    }
}
