package io.osprey.kernel.bus;

/** Counts per second over the last few whole seconds; one writer, any readers (approximate). */
final class RateMeter {

    private static final int WINDOW = 5;

    private final long[] buckets = new long[WINDOW + 1];
    private final long[] seconds = new long[WINDOW + 1];

    void add(long amount) {
        add(amount, System.nanoTime() / 1_000_000_000L);
    }

    /** Adds {@code amount} in second {@code now} ({@code System.nanoTime()} in seconds; one clock read for several). */
    void add(long amount, long now) {
        int i = (int) (now % buckets.length);
        if (seconds[i] != now) {
            seconds[i] = now;
            buckets[i] = 0;
        }
        buckets[i] += amount;
    }

    /** Average per second over the last {@value #WINDOW} complete seconds. */
    long perSecond() {
        return Math.round(perSecondExact());
    }

    double perSecondExact() {
        long now = System.nanoTime() / 1_000_000_000L;
        long sum = 0;
        for (int i = 0; i < buckets.length; i++) {
            long age = now - seconds[i];
            if (age >= 1 && age <= WINDOW) {
                sum += buckets[i];
            }
        }
        return sum / (double) WINDOW;
    }
}
