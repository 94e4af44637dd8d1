package io.osprey.bench.viewer;

import java.util.Arrays;

/**
 * Latency samples of the viewers on one loop, recorded on that loop's thread. Only probes sent inside the measuring
 * window count, so the cached GOP a viewer receives at join (old probes) never pollutes the figures.
 */
public final class Recorder {

    private volatile long windowStart = Long.MAX_VALUE;
    private volatile long windowEnd = Long.MAX_VALUE;
    private long[] micros = new long[4096];
    private int n;
    private long probesSeen;

    /** Opens the window: probes sent from {@code startNanos} on count. */
    public void open(long startNanos) {
        windowStart = startNanos;
        windowEnd = Long.MAX_VALUE;
    }

    /** Closes the window: probes sent after {@code endNanos} no longer count. */
    public void close(long endNanos) {
        windowEnd = endNanos;
    }

    void probe(long sentNanos, long nowNanos) {
        probesSeen++;
        if (sentNanos >= windowStart && sentNanos <= windowEnd) {
            if (n == micros.length) {
                micros = Arrays.copyOf(micros, n * 2);
            }
            micros[n++] = (nowNanos - sentNanos) / 1000;
        }
    }

    /** The samples so far, in microseconds; call on the loop thread. */
    public long[] samples() {
        return Arrays.copyOf(micros, n);
    }

    /** Probes received at all (inside the window or not); call on the loop thread. */
    public long probesSeen() {
        return probesSeen;
    }
}
