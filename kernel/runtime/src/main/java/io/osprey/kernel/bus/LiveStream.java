package io.osprey.kernel.bus;

import io.osprey.spi.bus.Frame;
import io.osprey.spi.bus.MediaKind;
import io.osprey.spi.bus.StreamKey;
import io.osprey.spi.bus.StreamStats;
import io.osprey.spi.bus.StreamView;
import io.osprey.spi.bus.TrackInfo;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * One live stream: its ring, tracks, publisher slot, subscribers and counters. It keeps state only; how and on
 * which thread its frames reach the subscribers is {@link Delivery}'s.
 */
final class LiveStream implements StreamView {

    private final StreamKey key;
    private final Bus bus;
    private final Delivery delivery;
    private final FrameRing ring;
    private final Instant startedAt = Instant.now();
    private final Set<BusSubscription> subscriptions = ConcurrentHashMap.newKeySet();
    private final ConcurrentLinkedQueue<BusSubscription> waiters = new ConcurrentLinkedQueue<>();
    private final RateMeter bitrate = new RateMeter();
    private final RateMeter videoFrames = new RateMeter();
    private final LongAdder bytesOut = new LongAdder();
    private final LongAdder dropped = new LongAdder();
    /** One wake-up pass queued or running: frames appended meanwhile ride along with it. */
    private final AtomicBoolean wakeQueued = new AtomicBoolean();
    private final AtomicBoolean ringReleased = new AtomicBoolean();
    /** The {@link WakeLanes} lane this stream's wake-up passes run in (see {@link Delivery}). */
    private final int wakeLane;
    /**
     * Packager subscriptions (not viewers): the ring keeps what the slowest of them has not read yet, within its lag
     * bound, beyond {@code bus.retainMs} (see {@link FrameRing#append(Frame, boolean, List, long, long)}).
     */
    private volatile Packagers packagers = Packagers.NONE;
    /** Subscriptions that count as viewers; with none, wake-up passes may run on the publisher's thread. */
    private final AtomicInteger viewerSubscriptions = new AtomicInteger();

    private volatile List<TrackInfo> tracks = List.of();
    private volatile Map<String, Object> metadata = Map.of();
    private volatile BusPublisher publisher;
    private volatile String publisherProtocol;
    private volatile InetSocketAddress publisherAddress;
    private volatile boolean ended;
    /** Whether this node claimed the key for the cluster (a local publish, not a relay). */
    private volatile boolean claimed;
    private volatile String endReason;
    private volatile long lastDts;
    private volatile long bytesIn;
    private volatile long framesIn;
    private volatile int publishes;
    private volatile Runnable graceTimer;
    /** {@link System#nanoTime} of the stream's start or its latest {@link Bus#demand}, whichever is later. */
    private volatile long lastDemandNanos = System.nanoTime();

    LiveStream(StreamKey key, Bus bus, Delivery delivery, FrameRing ring) {
        this.key = key;
        this.bus = bus;
        this.delivery = delivery;
        this.ring = ring;
        this.wakeLane = delivery.assignLane();
    }

    Delivery delivery() {
        return delivery;
    }

    Bus bus() {
        return bus;
    }

    void demanded() {
        lastDemandNanos = System.nanoTime();
    }

    /** Viewers now, or a demand (or the start) within {@code idleNanos}. */
    boolean watched(long idleNanos) {
        return !ended && (viewerSubscriptions.get() > 0 || System.nanoTime() - lastDemandNanos < idleNanos);
    }

    FrameRing ring() {
        return ring;
    }

    // ---- publisher side (one thread at a time) ----

    void attach(BusPublisher p) {
        publisher = p;
        publisherProtocol = p.request().protocol();
        publisherAddress = p.request().remote();
        publishes++;
        Runnable timer = graceTimer;
        graceTimer = null;
        if (timer != null) {
            timer.run(); // cancels the pending end
        }
    }

    boolean claimed() {
        return claimed;
    }

    void claimed(boolean claimed) {
        this.claimed = claimed;
    }

    BusPublisher publisher() {
        return publisher;
    }

    /** Detaches {@code p} if it is still the publisher; returns whether it was. */
    synchronized boolean detach(BusPublisher p) {
        if (publisher != p) {
            return false;
        }
        publisher = null;
        return true;
    }

    void setGraceTimer(Runnable cancel) {
        graceTimer = cancel;
    }

    void append(Frame f) {
        boolean sync = f.isVideoKey() || (!f.isConfig() && f.kind() == MediaKind.AUDIO && !hasVideo());
        Packagers held = packagers;
        long hold = Long.MAX_VALUE;
        for (BusSubscription s : held.subscriptions()) {
            hold = Math.min(hold, s.cursor());
        }
        // bus.retainMs is for viewers that lag; with none (an ingest-only stream, read by packagers at most) the
        // ring keeps its current GOP and what the packagers have not read yet: at 500 streams of 1 Mbit/s, 5 s
        // more of each is 300 MB
        long retain = viewerSubscriptions.get() > 0 ? ring.retainMillis() : 0;
        ring.append(f, sync, tracks, hold, held.maxLagMillis(), retain);
        lastDts = f.dts();
        bytesIn += f.size();
        framesIn++;
        long second = System.nanoTime() / 1_000_000_000L;
        bitrate.add(f.size(), second);
        bus.countIn(f.size());
        if (f.kind() == MediaKind.VIDEO && !f.isConfig()) {
            videoFrames.add(1, second);
        }
        delivery.framesArrived(this);
    }

    /** Sets a track; returns false if nothing changed. */
    boolean putTrack(TrackInfo t) {
        List<TrackInfo> current = tracks;
        List<TrackInfo> next = new ArrayList<>(current.size() + 1);
        boolean replaced = false;
        for (TrackInfo old : current) {
            if (old.kind() == t.kind() && old.id() == t.id()) {
                if (old.equals(t) || (old.sameConfig(t) && old.width() == t.width() && old.height() == t.height()
                        && old.sampleRate() == t.sampleRate() && old.channels() == t.channels())) {
                    return false;
                }
                next.add(t);
                replaced = true;
            } else {
                next.add(old);
            }
        }
        if (!replaced) {
            next.add(t);
        }
        tracks = List.copyOf(next);
        return true;
    }

    void setMetadata(Map<String, Object> md) {
        metadata = Collections.unmodifiableMap(new java.util.LinkedHashMap<>(md));
    }

    void end(String reason) {
        synchronized (this) {
            if (ended) {
                return;
            }
            endReason = reason;
            ended = true;
        }
        // the subscriptions are not ended here: each reads what the stream carried before its end, then its poll
        // answers -1 (a stream pushed in one burst and closed at once would otherwise lose what was not read yet)
        delivery.ended(this);
        releaseIfDone();
    }

    // ---- wake-up state, read and set by Delivery ----

    /** The lane this stream's wake-up passes run in. */
    int wakeLane() {
        return wakeLane;
    }

    boolean hasWaiters() {
        return !waiters.isEmpty();
    }

    /** Marks a wake-up pass queued; false if one already was (the new frames ride along with it). */
    boolean queueWake() {
        return wakeQueued.compareAndSet(false, true);
    }

    /** A pass starts: frames appended from here on queue another. */
    void wakeRan() {
        wakeQueued.set(false);
    }

    /** Only a few packagers read this stream, no viewers: its passes may run on the publisher's thread. */
    boolean packagersOnly() {
        return viewerSubscriptions.get() == 0 && packagers.subscriptions().length <= Delivery.INLINE_PACKAGERS;
    }

    BusSubscription pollWaiter() {
        return waiters.poll();
    }

    int waiting() {
        return waiters.size();
    }

    // ---- subscriber side ----

    void addWaiter(BusSubscription s) {
        waiters.add(s);
    }

    void addSubscription(BusSubscription s) {
        if (subscriptions.add(s)) {
            if (s.options().viewer()) {
                viewerSubscriptions.incrementAndGet();
            } else {
                synchronized (subscriptions) {
                    BusSubscription[] p = packagers.subscriptions();
                    p = Arrays.copyOf(p, p.length + 1);
                    p[p.length - 1] = s;
                    packagers = Packagers.of(p);
                }
            }
        }
    }

    /**
     * Gives the ring's frames back once the stream has ended and its last subscription closed: the memory must not
     * wait for this object to become unreachable (a plugin may keep its packager, and so this stream, for a while).
     */
    private void releaseIfDone() {
        if (ended && subscriptions.isEmpty() && ringReleased.compareAndSet(false, true)) {
            ring.releaseAll();
        }
    }

    void removeSubscription(BusSubscription s) {
        if (subscriptions.remove(s)) {
            if (s.options().viewer()) {
                viewerSubscriptions.decrementAndGet();
            } else {
                synchronized (subscriptions) {
                    packagers = Packagers.of(Arrays.stream(packagers.subscriptions()).filter(x -> x != s)
                            .toArray(BusSubscription[]::new));
                }
            }
            releaseIfDone();
        }
    }

    Set<BusSubscription> subscriptions() {
        return subscriptions;
    }

    void countDropped(long n) {
        dropped.add(n);
        bus.countDropped(n);
    }

    void countBytesOut(long n) {
        bytesOut.add(n);
        bus.countBytesOut(n);
    }

    long lastDts() {
        return lastDts;
    }

    boolean hasVideo() {
        for (TrackInfo t : tracks) {
            if (t.kind() == MediaKind.VIDEO) {
                return true;
            }
        }
        return false;
    }

    String endReason() {
        return endReason;
    }

    // ---- StreamView ----

    @Override
    public StreamKey key() {
        return key;
    }

    @Override
    public String publisherProtocol() {
        return publisherProtocol;
    }

    @Override
    public InetSocketAddress publisherAddress() {
        return publisherAddress;
    }

    @Override
    public Instant startedAt() {
        return startedAt;
    }

    @Override
    public boolean hasPublisher() {
        return publisher != null;
    }

    @Override
    public boolean isEnded() {
        return ended;
    }

    @Override
    public List<TrackInfo> tracks() {
        return tracks;
    }

    @Override
    public Map<String, Object> metadata() {
        return metadata;
    }

    @Override
    public StreamStats stats() {
        Map<String, Integer> viewers = new TreeMap<>();
        int all = 0;
        for (BusSubscription s : subscriptions) {
            all++;
            if (s.options().viewer()) {
                viewers.merge(s.options().protocol(), 1, Integer::sum);
            }
        }
        return new StreamStats(bytesIn, framesIn, bitrate.perSecond() * 8, videoFrames.perSecondExact(),
                Collections.unmodifiableMap(viewers), all, bytesOut.sum(), dropped.sum(), publishes);
    }

    @Override
    public String toString() {
        return key.toString();
    }

    /** The packager subscriptions and the longest lag any of them tolerates; replaced whole when one comes or goes. */
    private record Packagers(BusSubscription[] subscriptions, long maxLagMillis) {
        static final Packagers NONE = new Packagers(new BusSubscription[0], 0);

        static Packagers of(BusSubscription[] subscriptions) {
            long lag = 0;
            for (BusSubscription s : subscriptions) {
                lag = Math.max(lag, s.options().maxLagMillis());
            }
            return new Packagers(subscriptions, lag);
        }
    }
}
