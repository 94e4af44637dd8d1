package io.osprey.media.mp4;

import java.util.Arrays;

/** Runs of equal values, as the stts and ctts tables store them (ISO 14496-12 8.6.1.2, 8.6.1.3). */
record RunLength(int[] counts, int[] values) {

    static RunLength of(int[] samples, int n) {
        int[] counts = new int[Math.max(1, Math.min(n, 16))];
        int[] values = new int[counts.length];
        int runs = 0;
        for (int i = 0; i < n; i++) {
            if (runs > 0 && values[runs - 1] == samples[i]) {
                counts[runs - 1]++;
                continue;
            }
            if (runs == counts.length) {
                counts = Arrays.copyOf(counts, runs * 2);
                values = Arrays.copyOf(values, runs * 2);
            }
            counts[runs] = 1;
            values[runs++] = samples[i];
        }
        return new RunLength(Arrays.copyOf(counts, runs), Arrays.copyOf(values, runs));
    }
}
