package io.osprey.spi.bus;

import java.util.Objects;

/**
 * How a subscriber reads a stream and how far it may fall behind.
 *
 * <p>A subscriber is behind when the frames it has not yet polled exceed {@code maxLagFrames}, {@code maxLagBytes}
 * or span more than {@code maxLagMillis} of stream time. It is then moved forward to the newest key frame (the
 * skipped frames are counted as dropped); after {@code maxDrops} such moves it is closed with the reason
 * {@code "too slow"}. Frame and byte bounds hold even when timestamps stand still or run backwards.
 *
 * @param protocol      label for viewer counts and metrics, e.g. {@code httpflv}, {@code rtmp}, {@code hls}
 * @param viewer        whether this counts as a viewer (false for packagers and recorders)
 * @param video         deliver video frames
 * @param audio         deliver audio frames
 * @param data          deliver script-data frames
 * @param maxLagFrames  bound on unpolled frames
 * @param maxLagBytes   bound on unpolled payload bytes
 * @param maxLagMillis  bound on the stream time between the oldest unpolled frame and the newest frame
 * @param maxDrops      forward moves tolerated before the subscription is closed; 0 means never close
 */
public record SubscribeOptions(String protocol, boolean viewer, boolean video, boolean audio, boolean data,
                               int maxLagFrames, long maxLagBytes, long maxLagMillis, int maxDrops) {

    public SubscribeOptions {
        Objects.requireNonNull(protocol, "protocol");
        if (maxLagFrames < 1 || maxLagBytes < 1 || maxLagMillis < 1 || maxDrops < 0) {
            throw new IllegalArgumentException("lag bounds must be positive");
        }
    }

    /** A viewer with the defaults: 1024 frames, 8 MiB or 5 s of lag, closed after 3 drops. */
    public static SubscribeOptions viewer(String protocol) {
        return new SubscribeOptions(protocol, true, true, true, true, 1024, 8L << 20, 5_000, 3);
    }

    /** A packager or recorder: generous bounds, never closed for being slow. */
    public static SubscribeOptions packager(String protocol) {
        return new SubscribeOptions(protocol, false, true, true, true, 4096, 64L << 20, 30_000, 0);
    }

    public SubscribeOptions withTracks(boolean video, boolean audio) {
        return new SubscribeOptions(protocol, viewer, video, audio, data, maxLagFrames, maxLagBytes, maxLagMillis,
                maxDrops);
    }

    public SubscribeOptions withLag(int frames, long bytes, long millis, int drops) {
        return new SubscribeOptions(protocol, viewer, video, audio, data, frames, bytes, millis, drops);
    }
}
