package io.osprey.kernel.bus;

import io.osprey.spi.Registration;
import io.osprey.spi.bus.DemandRequest;
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
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * The kernel's {@link MediaBus}: the streams by key, their start, reconnect and end. Stream transitions (publish,
 * end, reconnect) take one lock; the frame path takes none: a publisher appends to its stream's ring, and
 * {@link Delivery} (read its header for which thread calls a subscriber, and when) hands the frames on.
 */
public final class Bus implements MediaBus {

    private static final System.Logger LOG = System.getLogger(Bus.class.getName());
    private static final int PARALLELISM = Math.max(1, Runtime.getRuntime().availableProcessors());

    private final ConcurrentHashMap<StreamKey, LiveStream> streams = new ConcurrentHashMap<>();
    private final CopyOnWriteArrayList<WatcherEntry> watchers = new CopyOnWriteArrayList<>();
    private final Delivery delivery;
    private final ScheduledExecutorService scheduler;
    private final Demands demands;
    private final LongAdder framesDropped = new LongAdder();
    private final LongAdder bytesOut = new LongAdder();
    private final LongAdder bytesIn = new LongAdder();
    private final LongAdder framesIn = new LongAdder();
    private volatile BusSettings settings;
    private volatile PublishClaims claims = PublishClaims.NONE;

    public Bus(BusSettings settings, Executor executor, ScheduledExecutorService scheduler) {
        this.settings = settings;
        this.scheduler = scheduler;
        this.delivery = new Delivery(executor, PARALLELISM);
        this.demands = new Demands(scheduler);
    }

    /** Sets who claims published keys for the cluster (before plugins start). */
    public void claims(PublishClaims claims) {
        this.claims = claims;
    }

    public void setSettings(BusSettings settings) {
        this.settings = settings;
    }

    @Override
    public Publisher publish(StreamKey key, PublishRequest request) throws StreamBusyException {
        // Cluster ownership first, outside the lock (one store round trip): relays re-publish another node's
        // stream and never claim; a stream this node already claimed needs no second claim.
        boolean claim = !"relay".equals(request.protocol());
        boolean fresh = false;
        if (claim) {
            LiveStream cur = live(key);
            if (cur == null || !cur.claimed()) {
                fresh = claims.claim(key, request.takeover());
            }
        }
        try {
            return publish(key, request, claim);
        } catch (StreamBusyException | RuntimeException e) {
            LiveStream cur = live(key);
            if (fresh && (cur == null || !cur.claimed())) {
                claims.release(key);
            }
            throw e;
        }
    }

    private Publisher publish(StreamKey key, PublishRequest request, boolean claim) throws StreamBusyException {
        LiveStream started = null;
        BusPublisher p;
        BusPublisher evicted = null;
        synchronized (this) {
            LiveStream s = streams.get(key);
            if (s == null || s.isEnded()) {
                BusSettings cfg = settings;
                s = new LiveStream(key, this, delivery, new FrameRing(cfg.ringMaxFrames(), cfg.ringMaxBytes(), cfg.retainMillis()));
                streams.put(key, s);
                p = new BusPublisher(this, s, request, false);
                started = s;
            } else if (s.publisher() == null) {
                p = new BusPublisher(this, s, request, true);
                LOG.log(Level.INFO, "stream {0}: publisher returned within the grace period ({1})", key, request.protocol());
            } else if (request.takeover()) {
                evicted = s.publisher();
                s.detach(evicted);
                p = new BusPublisher(this, s, request, true);
                LOG.log(Level.INFO, "stream {0}: taken over by a new publisher ({1})", key, request.protocol());
            } else {
                throw new StreamBusyException(key, "stream " + key + " is already being published");
            }
            if (claim) {
                s.claimed(true);
            }
            s.attach(p);
        }
        if (evicted != null) {
            evicted.evict("taken over by another publisher");
        }
        if (started != null) {
            LOG.log(Level.INFO, "stream {0}: started ({1} from {2})", key, request.protocol(), request.remote());
            for (WatcherEntry w : watchers) {
                w.started(started);
            }
            demands.started(started);
        }
        return p;
    }

    /** The publisher stopped on purpose: the stream ends now. */
    void ended(LiveStream s, BusPublisher p, String reason) {
        synchronized (this) {
            if (!s.detach(p)) {
                return;
            }
        }
        finish(s, reason);
    }

    /** The publisher's connection was lost: wait for it to come back. */
    void lost(LiveStream s, BusPublisher p, String reason) {
        synchronized (this) {
            if (!s.detach(p)) {
                return;
            }
            long grace = settings.reconnectGraceMillis();
            if (grace <= 0) {
                grace = 0;
            }
            LOG.log(Level.INFO, "stream {0}: publisher lost ({1}); waiting {2} ms for it to return", s.key(), reason, grace);
            ScheduledFuture<?> f;
            try {
                f = scheduler.schedule(() -> {
                    synchronized (this) {
                        if (s.publisher() != null || s.isEnded()) {
                            return;
                        }
                    }
                    finish(s, "publisher lost: " + reason);
                }, grace, TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException e) {
                f = null; // the kernel is stopping: nobody will come back, end the stream now
            }
            if (f != null) {
                ScheduledFuture<?> timer = f;
                s.setGraceTimer(() -> timer.cancel(false));
                return;
            }
        }
        finish(s, "publisher lost: " + reason + " (server stopping)");
    }

    private void finish(LiveStream s, String reason) {
        s.end(reason);
        streams.remove(s.key(), s);
        if (s.claimed()) {
            try {
                claims.release(s.key());
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "releasing the cluster claim of " + s.key() + " failed", e);
            }
        }
        LOG.log(Level.INFO, "stream {0}: ended ({1})", s.key(), reason);
        for (WatcherEntry w : watchers) {
            w.ended(s);
        }
    }

    @Override
    public boolean kick(StreamKey key, String reason) {
        LiveStream s = streams.get(key);
        if (s == null) {
            return false;
        }
        BusPublisher p;
        synchronized (this) {
            p = s.publisher();
            if (p != null) {
                s.detach(p);
            }
        }
        if (p != null) {
            p.evict(reason);
        }
        finish(s, reason);
        return true;
    }

    @Override
    public Subscription subscribe(StreamKey key, SubscribeOptions options, SubscriptionListener listener)
            throws StreamNotFoundException {
        LiveStream s = streams.get(key);
        if (s == null || s.isEnded()) {
            throw new StreamNotFoundException(key, "no live stream " + key);
        }
        BusSubscription sub = new BusSubscription(s, options, listener);
        s.addSubscription(sub);
        return sub;
    }

    @Override
    public Registration watch(StreamWatcher watcher) {
        WatcherEntry entry = new WatcherEntry(watcher);
        watchers.add(entry);
        for (LiveStream s : streams.values()) {
            if (!s.isEnded()) {
                entry.started(s);
            }
        }
        return () -> watchers.remove(entry);
    }

    @Override
    public CompletionStage<StreamView> demand(StreamKey key, DemandRequest request, Duration wait) {
        LiveStream s = live(key);
        if (s != null) {
            s.demanded();
            return CompletableFuture.completedFuture(s);
        }
        return demands.demand(key, request, wait, () -> live(key));
    }

    @Override
    public Registration provide(StreamProvider provider) {
        return demands.add(provider);
    }

    @Override
    public List<StreamKey> variants(StreamKey source) {
        return demands.variants(source);
    }

    @Override
    public boolean watched(StreamKey key, long idleMillis) {
        LiveStream s = streams.get(key);
        return s != null && s.watched(TimeUnit.MILLISECONDS.toNanos(idleMillis));
    }

    /** Keys with an on-demand start under way. */
    public int demandsPending() {
        return demands.pending();
    }

    private LiveStream live(StreamKey key) {
        LiveStream s = streams.get(key);
        return s == null || s.isEnded() ? null : s;
    }

    @Override
    public Optional<StreamView> stream(StreamKey key) {
        return Optional.ofNullable(streams.get(key));
    }

    @Override
    public List<StreamView> streams() {
        return new ArrayList<>(streams.values());
    }

    /**
     * Payload bytes the live streams' rings retain now (approximate: read outside the publishers' threads). With
     * only packagers reading, a ring keeps {@code bus.retainMs} of media or back to the last key frame, whichever
     * is more.
     */
    public long ringBytes() {
        long sum = 0;
        for (LiveStream s : streams.values()) {
            sum += s.ring().retainedBytes();
        }
        return sum;
    }

    void countDropped(long n) {
        framesDropped.add(n);
    }

    void countBytesOut(long n) {
        bytesOut.add(n);
    }

    void countIn(long bytes) {
        bytesIn.add(bytes);
        framesIn.increment();
    }

    public long bytesIn() {
        return bytesIn.sum();
    }

    public long framesIn() {
        return framesIn.sum();
    }

    public long framesDropped() {
        return framesDropped.sum();
    }

    public long bytesOut() {
        return bytesOut.sum();
    }

    /** Ends every stream (kernel shutdown). */
    public void close() {
        for (LiveStream s : new ArrayList<>(streams.values())) {
            kick(s.key(), "server stopping");
        }
    }

    /** A watcher, called one event at a time, isolated from the others. */
    private static final class WatcherEntry {
        private final StreamWatcher watcher;

        WatcherEntry(StreamWatcher watcher) {
            this.watcher = watcher;
        }

        synchronized void started(StreamView s) {
            try {
                watcher.onStreamStarted(s);
            } catch (Throwable t) {
                LOG.log(Level.WARNING, "stream watcher failed on start of " + s.key(), t);
            }
        }

        synchronized void ended(StreamView s) {
            try {
                watcher.onStreamEnded(s);
            } catch (Throwable t) {
                LOG.log(Level.WARNING, "stream watcher failed on end of " + s.key(), t);
            }
        }
    }
}
