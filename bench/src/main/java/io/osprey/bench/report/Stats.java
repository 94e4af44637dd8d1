package io.osprey.bench.report;

import java.util.Arrays;

/** Percentiles (nearest rank) of samples. */
public final class Stats {

    private Stats() {
    }

    /** The {@code p}-th percentile (0..100) of {@code values}, or NaN if there are none. Sorts a copy. */
    public static double percentile(double[] values, double p) {
        if (values.length == 0) {
            return Double.NaN;
        }
        double[] v = values.clone();
        Arrays.sort(v);
        return sortedPercentile(v, p);
    }

    public static double sortedPercentile(double[] sorted, double p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    /** Rounds to {@code digits} decimals (for the report). */
    public static double round(double v, int digits) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            return v;
        }
        double f = Math.pow(10, digits);
        return Math.round(v * f) / f;
    }
}
