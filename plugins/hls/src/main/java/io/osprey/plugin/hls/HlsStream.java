package io.osprey.plugin.hls;

import io.osprey.media.buffer.DirectPool;
import io.osprey.spi.Registration;
import io.osprey.spi.bus.Frame;
import io.osprey.spi.bus.StreamKey;
import io.osprey.spi.bus.Subscription;
import io.osprey.spi.bus.SubscriptionListener;
import io.osprey.spi.bus.TrackInfo;
import io.osprey.spi.metrics.Counter;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.eclipse.jetty.http.HttpField;

/**
 * One live stream's HLS state: the packager fed from the bus, the published {@link Snapshot} every request reads,
 * the parked blocking requests, and the cached access decisions. Frames arrive on bus threads one batch at a time;
 * requests read the snapshot from any thread without locks.
 *
 * <p>Segment memory (see {@link MediaWindow}, {@link Served}): the window's references are released on the bus
 * thread as items leave the window, and all at once by {@link #end}, on whichever thread ends the stream (bus
 * thread, stream watcher, plugin stop). {@code packaging} serializes the two, so the packager and the window are
 * never used by two threads at once and nothing enters the window after it was closed. Responses release their
 * references on Jetty's threads, the disk mirror on its executor.
 */
final class HlsStream implements SubscriptionListener {
    private static final System.Logger LOG = System.getLogger(HlsStream.class.getName());
    private static final int BATCH = 256;
    /** Parked requests per stream; more are refused with 503 at once. */
    static final int MAX_WAITERS = 10_000;
    private static final int MAX_GRANTS = 4096;

    private record Grant(InetAddress address, String token) {
    }

    /** One HLS viewer as far as HTTP lets us see one: a client address and query, allowed, then seen again. */
    private static final class Viewing {
        final long firstNanos;
        volatile long untilNanos;
        final java.util.concurrent.atomic.AtomicLong bytes = new java.util.concurrent.atomic.AtomicLong();

        Viewing(long now) {
            this.firstNanos = now;
        }
    }

    private final StreamKey key;
    private final MediaWindow window;
    private final HlsPackager packager;
    private final Responses responses;
    private final DiskMirror mirror;
    private final Consumer<HlsStream> onEnd;
    private final Counter segments;
    private final List<Frame> batch = new ArrayList<>(BATCH);
    private final Object packaging = new Object();
    private final List<Waiter> waiters = new ArrayList<>();
    private final ConcurrentHashMap<Grant, Viewing> grants = new ConcurrentHashMap<>();
    private final HlsViewers viewers = new HlsViewers();
    private volatile Registration viewerCount;
    private volatile io.osprey.spi.access.AccessControl viewersEnd;
    private long grantsSweptNanos;
    private final long grantNanos;
    private volatile Snapshot snapshot;
    private volatile HttpField playlistCache;
    private volatile long bytesHeld;
    private volatile Subscription subscription;
    private volatile boolean ended;
    /** {@link System#nanoTime} of the latest playlist request passed on to the bus as a demand. */
    private volatile long demandedNanos = System.nanoTime() - DEMAND_EVERY_NANOS;
    private static final long DEMAND_EVERY_NANOS = 1_000_000_000L;

    HlsStream(StreamKey key, String sid, StreamSettings settings, boolean direct, Responses responses,
              DiskMirror mirror, long grantMillis, Counter segments, Consumer<HlsStream> onEnd) {
        this(key, sid, settings, direct, DirectPool.shared(), responses, mirror, grantMillis, segments, onEnd);
    }

    HlsStream(StreamKey key, String sid, StreamSettings settings, boolean direct, DirectPool pool,
              Responses responses, DiskMirror mirror, long grantMillis, Counter segments,
              Consumer<HlsStream> onEnd) {
        this.segments = segments;
        this.key = key;
        this.responses = responses;
        this.mirror = mirror;
        this.onEnd = onEnd;
        this.grantNanos = grantMillis * 1_000_000L;
        this.window = new MediaWindow(sid, settings, direct, pool, mirror);
        this.packager = new HlsPackager(key.toString(), settings, window, System::currentTimeMillis);
        this.snapshot = window.snapshot();
        this.playlistCache = Responses.playlistCache(snapshot.targetDuration());
    }

    StreamKey key() {
        return key;
    }

    /** The settings of the window as published: those the playlist and its segments were made with. */
    StreamSettings settings() {
        return snapshot.settings();
    }

    /**
     * Takes new settings while live (see {@link HlsPackager#reconfigure}): the playlist carries on, the segments cut
     * from now on follow them. Called on the config thread; serialized with the bus thread's packaging.
     */
    void reconfigure(StreamSettings next) {
        synchronized (packaging) {
            if (ended) {
                return;
            }
            Subscription sub = subscription;
            packager.reconfigure(next, sub == null ? List.of() : sub.stream().tracks());
            if (window.dirty()) {
                publish(window.publish());
            }
        }
    }

    Snapshot snapshot() {
        return snapshot;
    }

    HttpField playlistCache() {
        return playlistCache;
    }

    long bytesHeld() {
        return bytesHeld;
    }

    /**
     * Whether a playlist request at {@code now} should be told to the bus as viewer activity (at most once a second
     * per stream: it only keeps on-demand streams running).
     */
    boolean demandDue(long now) {
        long last = demandedNanos;
        if (now - last < DEMAND_EVERY_NANOS) {
            return false;
        }
        demandedNanos = now;
        return true;
    }

    boolean ended() {
        return ended;
    }

    void attach(Subscription s) {
        subscription = s;
        s.demand();
    }

    @Override
    public void onReadable(Subscription s) {
        int n;
        synchronized (packaging) {
            if (ended) {
                return;
            }
            batch.clear();
            n = s.poll(batch, BATCH);
            if (n > 0) {
                List<TrackInfo> tracks = s.stream().tracks();
                try {
                    for (Frame f : batch) {
                        packager.accept(f, tracks); // muxed (copied) now, or retained by the packager
                    }
                } finally {
                    batch.forEach(Frame::release);
                }
                batch.clear();
                if (window.dirty()) {
                    publish(window.publish());
                }
            }
        }
        if (n < 0) {
            end(404, "stream ended");
            return;
        }
        s.demand();
    }

    private void publish(Snapshot s) {
        Snapshot old = snapshot;
        snapshot = s;
        bytesHeld = s.bytesHeld();
        if (s.lastMsn() > old.lastMsn()) {
            segments.inc(s.lastMsn() - old.lastMsn());
        }
        if (s.targetDuration() != old.targetDuration()) {
            playlistCache = Responses.playlistCache(s.targetDuration());
        }
        wake(s);
    }

    /** Parks a blocking request; it is answered at once if the snapshot already satisfies it. */
    void park(Waiter w) {
        boolean full;
        synchronized (waiters) {
            full = waiters.size() >= MAX_WAITERS || ended;
            if (!full) {
                waiters.add(w);
            }
        }
        if (full) {
            if (w.claim()) {
                responses.error(w.response(), w.callback(), 503, "too many waiting requests", w.admission());
            }
            return;
        }
        Snapshot s = snapshot; // it may have changed between the caller's check and the add
        if (w.ready(s)) {
            synchronized (waiters) {
                waiters.remove(w);
            }
            answer(w, s);
        }
    }

    private void wake(Snapshot s) {
        List<Waiter> ready = null;
        synchronized (waiters) {
            if (waiters.isEmpty()) {
                return;
            }
            for (int i = waiters.size() - 1; i >= 0; i--) {
                Waiter w = waiters.get(i);
                if (w.ready(s)) {
                    if (ready == null) {
                        ready = new ArrayList<>();
                    }
                    ready.add(w);
                    waiters.remove(i);
                }
            }
        }
        if (ready != null) {
            for (Waiter w : ready) {
                answer(w, s);
            }
        }
    }

    private void answer(Waiter w, Snapshot s) {
        if (!w.claim()) {
            return;
        }
        try {
            if (w.partNumber() >= 0) {
                Part p = s.part(w.partNumber());
                if (!responses.send(w.response(), w.callback(), 200, HlsHandler.mediaType(s.settings().format()),
                        Responses.IMMUTABLE, p.body(), null, w.head(), w.admission())) {
                    // trimmed and recycled between the snapshot and now: as for any part no longer in the window
                    responses.error(w.response(), w.callback(), 404, "not in the window", w.admission());
                }
            } else {
                Snapshot.Rendered r = s.rendered(w.delta(), w.carry());
                responses.send(w.response(), w.callback(), 200, Responses.PLAYLIST_TYPE, Responses.NO_CACHE, r.body(),
                        r.etag(), w.head(), w.admission());
            }
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "hls " + key + ": answering a parked request failed", e);
            w.callback().failed(e);
            w.admission().release();
        }
    }

    /** Answers parked requests whose deadline has passed with 503 (RFC 8216bis 6.2.5.2). */
    void sweep(long nowNanos) {
        List<Waiter> expired = null;
        synchronized (waiters) {
            for (int i = waiters.size() - 1; i >= 0; i--) {
                Waiter w = waiters.get(i);
                if (nowNanos - w.deadline() >= 0) {
                    if (expired == null) {
                        expired = new ArrayList<>();
                    }
                    expired.add(w);
                    waiters.remove(i);
                }
            }
        }
        if (expired != null) {
            for (Waiter w : expired) {
                if (w.claim()) {
                    responses.error(w.response(), w.callback(), 503, "not available in time", w.admission());
                }
            }
        }
        sweepGrants(nowNanos, false);
    }

    int waiting() {
        synchronized (waiters) {
            return waiters.size();
        }
    }

    /** Whether this client (address and token) was allowed to play this stream recently. */
    boolean granted(InetAddress address, String token, long nowNanos) {
        if (grantNanos <= 0 || address == null) {
            return false;
        }
        Viewing v = grants.get(new Grant(address, token));
        return v != null && v.untilNanos - nowNanos > 0;
    }

    /** Adds {@code n} bytes sent to the viewer with this address and token, if it is one. */
    void served(InetAddress address, String token, long n) {
        if (grantNanos > 0 && address != null) {
            Viewing v = grants.get(new Grant(address, token));
            if (v != null) {
                v.bytes.addAndGet(n);
            }
        }
    }

    /** A playlist request of this client (address and carried query): it counts as a viewer for a while. */
    void playlistRequested(InetAddress address, String carry, long nowNanos) {
        viewers.seen(address, carry, nowNanos);
    }

    /** The clients that requested a playlist within the last three target durations. */
    int viewers(long nowNanos) {
        return ended ? 0 : viewers.count(nowNanos, 3_000_000_000L * snapshot.targetDuration());
    }

    /** The registration of {@link #viewers} with the bus, closed when the stream ends. */
    void viewersCountedBy(Registration r) {
        viewerCount = r;
        if (ended) {
            r.close();
        }
    }

    /** Keeps this stream's finished segments in {@code files} for sendfile (null: in memory). */
    void keepSegmentsIn(SegmentFiles files) {
        window.keepSegmentsIn(files);
    }

    /**
     * Reports viewers to {@code access} ({@link io.osprey.spi.access.SessionEnd}, protocol {@code hls}) when one is
     * not seen again within the access cache time: the duration runs from its first allowed request to its last.
     */
    void reportViewersTo(io.osprey.spi.access.AccessControl access) {
        this.viewersEnd = access;
    }

    private void sweepGrants(long nowNanos, boolean all) {
        if (!all && nowNanos - grantsSweptNanos < 1_000_000_000L) {
            return;
        }
        grantsSweptNanos = nowNanos;
        for (var e : grants.entrySet()) {
            Viewing v = e.getValue();
            if ((all || v.untilNanos - nowNanos <= 0) && grants.remove(e.getKey(), v)) {
                io.osprey.spi.access.AccessControl a = viewersEnd;
                if (a != null) {
                    long last = v.untilNanos - grantNanos;
                    a.ended(new io.osprey.spi.access.SessionEnd(io.osprey.spi.access.SessionEnd.Kind.PLAY, key, "hls",
                            new java.net.InetSocketAddress(e.getKey().address(), 0), (last - v.firstNanos) / 1_000_000,
                            v.bytes.get(), all ? "stream ended" : "no request within the access cache time",
                            java.util.Map.of()));
                }
            }
        }
    }

    void grant(InetAddress address, String token, long nowNanos) {
        if (grantNanos <= 0 || address == null) {
            return;
        }
        if (grants.size() >= MAX_GRANTS) {
            grants.clear();
        }
        Viewing v = grants.computeIfAbsent(new Grant(address, token), g -> new Viewing(nowNanos));
        v.untilNanos = nowNanos + grantNanos;
    }

    /**
     * Ends the stream's packaging: the subscription is closed, parked requests are answered with {@code status},
     * the window (its segment memory released) and the disk mirror are dropped. Idempotent; safe from any thread.
     */
    void end(int status, String reason) {
        synchronized (waiters) {
            if (ended) {
                return;
            }
            ended = true;
        }
        Subscription s = subscription;
        if (s != null) {
            s.close();
        }
        sweepGrants(System.nanoTime(), true);
        Registration counted = viewerCount;
        if (counted != null) {
            counted.close();
        }
        viewers.clear();
        List<Waiter> all;
        synchronized (waiters) {
            all = new ArrayList<>(waiters);
            waiters.clear();
        }
        for (Waiter w : all) {
            if (w.claim()) {
                responses.error(w.response(), w.callback(), status, reason, w.admission());
            }
        }
        synchronized (packaging) { // waits for a batch in progress on the bus thread
            packager.end();
            window.close();
        }
        bytesHeld = 0;
        if (mirror != null) {
            mirror.removeAll();
        }
        onEnd.accept(this);
        LOG.log(System.Logger.Level.DEBUG, "hls {0}: {1}", key, reason);
    }
}
