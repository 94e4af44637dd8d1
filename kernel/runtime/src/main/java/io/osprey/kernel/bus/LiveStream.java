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

/** One live stream: its ring, tracks, publisher slot, subscribers and counters. */
final class LiveStream implements StreamView {

    private final StreamKey key;
    private final Bus bus;
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
    /** The {@link WakeLanes} lane this stream's wake-up passes run in. */
    private final int wakeLane;
    /**
     * Packager subscriptions (not viewers): the ring keeps what the slowest of them has not read yet, within its lag
     * bound, beyond {@code bus.retainMs} (see {@link FrameRing#append(Frame, boolean, List, long, long)}).
     */
    private volatile Packagers packagers = Packagers.NONE;
    /** Subscriptions that count as viewers; with none, wake-up passes run on the publisher's thread. */
    private final AtomicInteger viewerSubscriptions = new AtomicInteger();
    /** Most packager subscriptions a stream wakes inline (HLS, fMP4 and FLV recording, a few more). */
    private static final int INLINE_PACKAGERS = 4;
    /** Set while this thread runs an inline wake-up pass: a listener that publishes is woken through a lane. */
    private static final ThreadLocal<Boolean> INLINE = ThreadLocal.withInitial(() -> Boolean.FALSE);

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

    LiveStream(StreamKey key, Bus bus, FrameRing ring) {
        this.key = key;
        this.bus = bus;
        this.ring = ring;
        this.wakeLane = bus.wakeLanes().assign();
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
        ring.append(f, sync, tracks, hold, held.maxLagMillis());
        lastDts = f.dts();
        bytesIn += f.size();
        framesIn++;
        long second = System.nanoTime() / 1_000_000_000L;
        bitrate.add(f.size(), second);
        bus.countIn(f.size());
        if (f.kind() == MediaKind.VIDEO && !f.isConfig()) {
            videoFrames.add(1, second);
        }
        scheduleWake();
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
        wakeAll();
    }

    /**
     * Wakes the waiting subscribers from a bus thread rather than the publisher's when viewers are among them: the
     * publisher goes on parsing (the audio and video of one instant usually arrive in one read) while the pass is
     * queued, so one pass, and one write per viewer, carries all of them. No delay is added: the pass runs as soon
     * as a thread is free. A stream that only packagers read (the common case for most streams of an ingest
     * server: HLS, recording) is woken on the publisher's thread instead: their calls are short CPU work that has
     * to run somewhere, and at 500 streams the hand-offs to lane threads (unpark, context switch) cost a tenth of
     * the server's CPU.
     */
    private void scheduleWake() {
        if (!waiters.isEmpty() && wakeQueued.compareAndSet(false, true)) {
            boolean packagersOnly = viewerSubscriptions.get() == 0
                    && packagers.subscriptions().length <= INLINE_PACKAGERS;
            if (packagersOnly && !INLINE.get()) {
                // only packagers (HLS, recorders): a few short calls, cheaper here than a hand-off to a lane thread
                INLINE.set(Boolean.TRUE);
                try {
                    wakeWaiters();
                } finally {
                    INLINE.set(Boolean.FALSE);
                }
            } else {
                bus.wakeLanes().schedule(this, wakeLane);
            }
        }
    }

    /** Hands every waiting subscriber whose demand it claims to the bus for delivery. */
    void wakeWaiters() {
        wakeQueued.set(false); // frames appended from here on queue another pass
        BusSubscription s = waiters.poll();
        if (s == null) {
            return;
        }
        BusSubscription[] ready = new BusSubscription[Math.max(16, waiters.size() + 1)];
        int n = 0;
        for (; s != null; s = waiters.poll()) {
            if (s.claimDemand()) {
                if (n == ready.length) {
                    ready = Arrays.copyOf(ready, n * 2);
                }
                ready[n++] = s;
            }
        }
        if (n > 0) {
            bus.deliver(ready, n);
        }
    }

    private void wakeAll() {
        wakeQueued.set(true);
        wakeWaiters();
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
