package io.osprey.plugin.sources;

import io.osprey.spi.bus.DemandRequest;
import io.osprey.spi.bus.Frame;
import io.osprey.spi.bus.MediaBus;
import io.osprey.spi.bus.StreamKey;
import io.osprey.spi.bus.SubscribeOptions;
import io.osprey.spi.bus.Subscription;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/** A bus viewer, as an output plugin would be one: demands the key, subscribes, counts the frames it reads. */
final class Viewer implements AutoCloseable {

    final AtomicInteger frames = new AtomicInteger();
    final AtomicInteger discontinuities = new AtomicInteger();
    final AtomicReference<String> ended = new AtomicReference<>();
    private final Subscription subscription;

    private Viewer(Subscription subscription) {
        this.subscription = subscription;
    }

    static Viewer watch(MediaBus bus, StreamKey key, Duration wait) throws Exception {
        bus.demand(key, DemandRequest.of("test"), wait).toCompletableFuture().get(wait.toMillis() + 2000,
                TimeUnit.MILLISECONDS);
        Viewer[] self = new Viewer[1];
        Subscription s = bus.subscribe(key, SubscribeOptions.viewer("test"), sub -> self[0].readable(sub));
        self[0] = new Viewer(s);
        s.demand();
        return self[0];
    }

    private void readable(Subscription s) {
        List<Frame> batch = new ArrayList<>();
        int n = s.poll(batch, 256);
        if (n < 0) {
            ended.set(String.valueOf(s.endReason()));
            return;
        }
        for (Frame f : batch) {
            if (!f.isConfig()) {
                frames.incrementAndGet();
            }
            if (f.isDiscontinuity()) {
                discontinuities.incrementAndGet();
            }
            f.release();
        }
        s.demand();
    }

    @Override
    public void close() {
        subscription.close();
    }
}
