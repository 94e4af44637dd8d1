package io.osprey.kernel.plugin;

import io.osprey.kernel.bus.SessionViewers;
import io.osprey.spi.Registration;
import io.osprey.spi.bus.DemandRequest;
import io.osprey.spi.bus.Frame;
import io.osprey.spi.bus.MediaBus;
import io.osprey.spi.bus.PublishRequest;
import io.osprey.spi.bus.Publisher;
import io.osprey.spi.bus.StreamBusyException;
import io.osprey.spi.bus.StreamKey;
import io.osprey.spi.bus.StreamNotFoundException;
import io.osprey.spi.bus.StreamProvider;
import io.osprey.spi.bus.StreamView;
import io.osprey.spi.bus.StreamWatcher;
import io.osprey.spi.bus.SubscribeOptions;
import io.osprey.spi.bus.Subscription;
import io.osprey.spi.bus.SubscriptionListener;
import io.osprey.spi.bus.TrackInfo;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.function.IntSupplier;

/**
 * One plugin's view of the bus: what it opens is tracked and released when it stops (publishers disconnect, so
 * a restarted ingest can continue its streams within the grace period). An exception from a frame callback closes
 * that one subscription (the bus logs it); {@link CallbackFailures#LIMIT} of them within
 * {@link CallbackFailures#WINDOW_SECONDS} seconds mark the plugin failed, as does any exception from a stream
 * watcher or provider (those serve every stream at once).
 */
final class PluginBus implements MediaBus {

    private final MediaBus bus;
    private final PluginContextImpl ctx;
    private final CallbackFailures callbackFailures = new CallbackFailures();

    PluginBus(MediaBus bus, PluginContextImpl ctx) {
        this.bus = bus;
        this.ctx = ctx;
    }

    @Override
    public Publisher publish(StreamKey key, PublishRequest request) throws StreamBusyException {
        Publisher p = bus.publish(key, request);
        TrackedPublisher t = new TrackedPublisher(p);
        ctx.resources().add(t.onStop);
        return t;
    }

    @Override
    public Subscription subscribe(StreamKey key, SubscribeOptions options, SubscriptionListener listener)
            throws StreamNotFoundException {
        TrackedSubscription[] holder = new TrackedSubscription[1];
        SubscriptionListener guarded = s -> {
            try {
                listener.onReadable(holder[0] != null ? holder[0] : s);
            } catch (Throwable t) {
                // the bus closes this one subscription and logs why; only a plugin whose callbacks keep failing
                // is failed as a whole
                if (callbackFailures.failed()) {
                    ctx.fail("frame callbacks threw " + CallbackFailures.LIMIT + " times within "
                            + CallbackFailures.WINDOW_SECONDS + " s, the last for " + key + ": " + t, t);
                }
                throw t;
            }
        };
        Subscription s = bus.subscribe(key, options, guarded);
        holder[0] = new TrackedSubscription(s);
        ctx.resources().add(holder[0]);
        return holder[0];
    }

    @Override
    public Registration watch(StreamWatcher watcher) {
        StreamWatcher guarded = new StreamWatcher() {
            @Override
            public void onStreamStarted(StreamView stream) {
                try {
                    watcher.onStreamStarted(stream);
                } catch (Throwable t) {
                    ctx.fail("stream watcher threw on start of " + stream.key() + ": " + t, t);
                }
            }

            @Override
            public void onStreamEnded(StreamView stream) {
                try {
                    watcher.onStreamEnded(stream);
                } catch (Throwable t) {
                    ctx.fail("stream watcher threw on end of " + stream.key() + ": " + t, t);
                }
            }
        };
        return tracked(bus.watch(guarded));
    }

    @Override
    public CompletionStage<StreamView> demand(StreamKey key, DemandRequest request, Duration wait) {
        return bus.demand(key, request, wait);
    }

    @Override
    public Registration provide(StreamProvider provider) {
        StreamProvider guarded = new StreamProvider() {
            @Override
            public CompletionStage<?> provide(StreamKey key, DemandRequest request) {
                try {
                    return provider.provide(key, request);
                } catch (Throwable t) {
                    ctx.fail("stream provider threw on demand for " + key + ": " + t, t);
                    return null;
                }
            }

            @Override
            public List<StreamKey> variants(StreamKey source) {
                return provider.variants(source); // Demands logs and skips a provider that throws
            }
        };
        return tracked(bus.provide(guarded));
    }

    @Override
    public List<StreamKey> variants(StreamKey source) {
        return bus.variants(source);
    }

    @Override
    public Registration countViewers(StreamKey key, String protocol, IntSupplier count) {
        return tracked(SessionViewers.of(bus).add(key, protocol, count));
    }

    /**
     * {@code r}, released when the plugin stops, or earlier by the plugin: its close then also drops it from the
     * plugin's resources. Per-stream registrations ({@link #countViewers} for each HLS stream) must not stay there
     * until the plugin stops: what they reference (the stream's packager, its subscription and through it the
     * ended stream's ring of direct buffers) would be held for as long, a few MB per ended stream.
     */
    private Registration tracked(Registration r) {
        Registration[] self = new Registration[1];
        self[0] = () -> {
            ctx.resources().remove(self[0]);
            r.close();
        };
        return ctx.resources().add(self[0]);
    }

    @Override
    public boolean watched(StreamKey key, long idleMillis) {
        return bus.watched(key, idleMillis);
    }

    @Override
    public Optional<StreamView> stream(StreamKey key) {
        return bus.stream(key);
    }

    @Override
    public List<StreamView> streams() {
        return bus.streams();
    }

    @Override
    public boolean kick(StreamKey key, String reason) {
        return bus.kick(key, reason);
    }

    /** A publisher released when the plugin stops: its connection is treated as lost. */
    private final class TrackedPublisher implements Publisher {
        private final Publisher p;
        private final Registration onStop;

        TrackedPublisher(Publisher p) {
            this.p = p;
            this.onStop = () -> p.disconnect("plugin " + ctx.pluginId() + " stopped");
        }

        @Override
        public StreamView stream() {
            return p.stream();
        }

        @Override
        public void setTrack(TrackInfo track) {
            p.setTrack(track);
        }

        @Override
        public void setMetadata(Map<String, Object> metadata) {
            p.setMetadata(metadata);
        }

        @Override
        public void push(Frame frame) {
            p.push(frame);
        }

        @Override
        public boolean isEvicted() {
            return p.isEvicted();
        }

        @Override
        public void close() {
            ctx.resources().remove(onStop);
            p.close();
        }

        @Override
        public void disconnect(String reason) {
            ctx.resources().remove(onStop);
            p.disconnect(reason);
        }
    }

    /** A subscription released when the plugin stops. */
    private final class TrackedSubscription implements Subscription, AutoCloseable {
        private final Subscription s;

        TrackedSubscription(Subscription s) {
            this.s = s;
        }

        @Override
        public StreamView stream() {
            return s.stream();
        }

        @Override
        public int poll(List<? super Frame> out, int max) {
            return s.poll(out, max);
        }

        @Override
        public void demand() {
            s.demand();
        }

        @Override
        public String endReason() {
            return s.endReason();
        }

        @Override
        public long droppedFrames() {
            return s.droppedFrames();
        }

        @Override
        public void addBytesOut(long bytes) {
            s.addBytesOut(bytes);
        }

        @Override
        public void close() {
            ctx.resources().remove(this);
            s.close();
        }
    }

    /** Frame-callback exceptions of one plugin, counted in fixed windows. */
    static final class CallbackFailures {
        static final int LIMIT = 20;
        static final int WINDOW_SECONDS = 60;
        private long windowStart = System.nanoTime();
        private int count;

        /** Counts one failure; true when it is the {@link #LIMIT}th of the current window. */
        synchronized boolean failed() {
            long now = System.nanoTime();
            if (now - windowStart > WINDOW_SECONDS * 1_000_000_000L) {
                windowStart = now;
                count = 0;
            }
            return ++count == LIMIT;
        }
    }
}
