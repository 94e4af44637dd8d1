package io.osprey.spi.bus;

import java.util.Map;

/**
 * A snapshot of a stream's counters.
 *
 * @param bytesIn        payload bytes published since the stream started
 * @param framesIn       frames published
 * @param bitrateIn      payload bit rate over the last few seconds, bits per second
 * @param videoFps       video frames per second over the last few seconds
 * @param viewers        current viewers by protocol (subscriptions with {@code viewer=true}; where the kernel
 *                       reports viewers it adds those counted with {@link MediaBus#countViewers})
 * @param subscribers    all current subscriptions, viewers or not
 * @param bytesOut       bytes outputs reported writing for this stream
 * @param framesDropped  frames skipped for slow subscribers, summed
 * @param publishes      how many publishers have held the stream (1 + reconnects and takeovers)
 */
public record StreamStats(long bytesIn, long framesIn, long bitrateIn, double videoFps, Map<String, Integer> viewers,
                          int subscribers, long bytesOut, long framesDropped, int publishes) {

    /** Total viewers over all protocols. */
    public int totalViewers() {
        int n = 0;
        for (int v : viewers.values()) {
            n += v;
        }
        return n;
    }
}
