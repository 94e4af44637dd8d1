package io.osprey.plugin.hls;

import io.osprey.media.buffer.DirectPool;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The sliding window of one stream as the packager builds it: complete segments (at most {@code window}), the
 * parts of the last three target durations and of the segment in progress (RFC 8216bis 6.2.2: parts older than
 * that are removed), and the init sections still referenced. Memory is bounded by the window. Each change is
 * published as an immutable {@link Snapshot}.
 *
 * <p>Ownership: the window holds one reference ({@link Served}) to each segment, part and init section it lists,
 * taken over from the muxer, and releases it when the item leaves the window (eviction, trimming, an abandoned
 * segment) or when the window is {@link #close() closed}. Readers of a snapshot (responses, the disk mirror) take
 * their own reference, so an item evicted while it is being written out is recycled only after the last reader.
 *
 * <p>Thread-safety: one thread at a time (the packager's bus thread; {@link HlsStream} serializes
 * {@link #close()} with it). References are released on that thread.
 */
final class MediaWindow {

    /** Told what enters and leaves the window (the disk mirror). */
    interface Listener {
        void onInit(String name, Served init);

        void onSegment(String name, Segment segment);

        void onRemoved(String name);

        void onPlaylist(Snapshot snapshot);
    }

    private final String sid;
    private StreamSettings settings;
    private final boolean direct;
    private final DirectPool pool;
    private final Listener listener;
    /** Where finished segments are kept for sendfile, or null: in memory. */
    private volatile SegmentFiles files;
    private final ArrayDeque<Segment> segments = new ArrayDeque<>();
    private final ArrayDeque<Part> parts = new ArrayDeque<>();
    private final TreeMap<Integer, Served> inits = new TreeMap<>();
    private OpenSegment open;
    private long nextMsn;
    private long nextPartNumber;
    private int nextPartIndex;
    private int nextInit;
    private int targetDuration;
    private int discontinuitySequence;
    private long version;
    private boolean dirty;
    private Snapshot snapshot;
    private boolean closed;
    /** Set by {@link #reconfigure}: the target duration follows the new setting once older segments are gone. */
    private long settledFromMsn = -1;

    MediaWindow(String sid, StreamSettings settings, boolean direct, Listener listener) {
        this(sid, settings, direct, DirectPool.shared(), listener);
    }

    MediaWindow(String sid, StreamSettings settings, boolean direct, DirectPool pool, Listener listener) {
        this.sid = sid;
        this.settings = settings;
        this.direct = direct;
        this.pool = pool;
        this.listener = listener;
        this.targetDuration = settings.targetSeconds();
        this.snapshot = build();
    }

    /**
     * Takes new settings between two segments (live reconfiguration): the window length applies at once, the
     * target duration is raised at once and lowered once the segments cut with the old target have left. A new
     * container cannot share a playlist with the old one (an EXT-X-MAP would apply to TS segments after it), so
     * a format change empties the window; the media sequence carries on and the next segment is marked with
     * EXT-X-DISCONTINUITY by the packager.
     */
    void reconfigure(StreamSettings next) {
        boolean formatChanged = next.format() != settings.format();
        settings = next;
        if (formatChanged) {
            for (Segment s : segments) {
                if (s.discontinuity()) {
                    discontinuitySequence++; // RFC 8216 6.2.2
                }
                if (listener != null) {
                    listener.onRemoved(name(s.msn(), s.format()));
                }
            }
            releaseAll();
        }
        while (segments.size() > settings.window()) {
            evictOldest();
        }
        targetDuration = Math.max(targetDuration, settings.targetSeconds());
        settledFromMsn = nextMsn;
        dirty = true;
    }

    /** Keeps the next finished segments in {@code files} (null: in memory). */
    void keepSegmentsIn(SegmentFiles files) {
        this.files = files;
    }

    /** Where segment memory comes from. */
    DirectPool pool() {
        return pool;
    }

    /** Whether segments are kept off the heap. */
    boolean direct() {
        return direct;
    }

    /**
     * Adds an init section (fMP4) and returns its index. Init sections are a few hundred bytes, made once per epoch:
     * they are not pooled (a pool size class is 64 KiB); the collector frees them.
     */
    int addInit(ByteBuffer bytes) {
        int index = nextInit++;
        Served s = Served.of(bytes, direct);
        if (closed) {
            return index;
        }
        inits.put(index, s);
        if (listener != null) {
            listener.onInit("init-" + sid + "-" + index + ".mp4", s);
        }
        return index;
    }

    /** Starts the next segment; its parts may follow. */
    void openSegment(long pdtMillis, boolean discontinuity, int init) {
        open = new OpenSegment(nextMsn, pdtMillis, discontinuity, init);
        nextPartIndex = 0;
    }

    boolean isOpen() {
        return open != null;
    }

    /** Adds a complete part of the open segment, taking over the reference {@code bytes} carries. */
    void addPart(Served bytes, long durationMs, boolean independent) {
        if (open == null) {
            bytes.release();
            throw new IllegalStateException("no open segment");
        }
        if (closed) {
            bytes.release();
            return;
        }
        parts.add(new Part(nextPartNumber++, open.msn(), nextPartIndex++, durationMs, independent, bytes));
        dirty = true;
    }

    /**
     * Completes the open segment with its bytes (null: it got none), taking over the reference they carry; the
     * oldest segment leaves the window if it is full.
     */
    void closeSegment(Served bytes, long startDts, long durationMs) {
        OpenSegment o = open;
        open = null;
        if (o == null || closed) {
            if (bytes != null) {
                bytes.release();
            }
            return;
        }
        if (bytes == null) {
            dropParts(o.msn());
            return;
        }
        SegmentFiles f = files;
        if (f != null) {
            bytes = f.keep(bytes);
        }
        Segment seg = new Segment(o.msn(), startDts, Math.max(0, durationMs), o.pdtMillis(), o.discontinuity(),
                o.init(), bytes, settings.format());
        nextMsn = o.msn() + 1;
        segments.add(seg);
        // RFC 8216 4.3.3.1: every EXTINF rounded to the nearest integer <= EXT-X-TARGETDURATION. Long GOPs raise
        // it; it never goes down again within a stream.
        targetDuration = Math.max(targetDuration, (int) ((seg.durationMs() + 500) / 1000));
        if (listener != null) {
            listener.onSegment(name(seg.msn()), seg);
        }
        while (segments.size() > settings.window()) {
            evictOldest();
        }
        if (settledFromMsn >= 0 && segments.peekFirst().msn() >= settledFromMsn) {
            // every segment now listed was cut with the new settings: the target may go down (or up) to them
            settledFromMsn = -1;
            int longest = settings.targetSeconds();
            for (Segment s : segments) {
                longest = Math.max(longest, (int) ((s.durationMs() + 500) / 1000));
            }
            targetDuration = longest;
        }
        trimParts();
        trimInits();
        dirty = true;
    }

    private void evictOldest() {
        Segment gone = segments.removeFirst();
        if (gone.discontinuity()) {
            discontinuitySequence++; // RFC 8216 6.2.2: a removed EXT-X-DISCONTINUITY advances the sequence
        }
        if (listener != null) {
            listener.onRemoved(name(gone.msn(), gone.format()));
        }
        gone.body().release(); // readers still writing it out hold their own reference
    }

    /** Forgets the open segment and its parts (a stream that ends mid-segment). */
    void abandonSegment() {
        if (open != null) {
            dropParts(open.msn());
            open = null;
            dirty = true;
        }
    }

    /**
     * Releases everything the window holds: the stream ended or the plugin stopped. Snapshots already published
     * still list the items; a reader that comes late fails to retain them and answers as for anything gone.
     */
    void close() {
        if (closed) {
            return;
        }
        closed = true;
        open = null;
        releaseAll();
    }

    /** Empties the window: every segment, part and init section given back to its pool. */
    private void releaseAll() {
        for (Segment s : segments) {
            s.body().release();
        }
        segments.clear();
        for (Part p : parts) {
            p.body().release();
        }
        parts.clear();
        for (Served i : inits.values()) {
            i.release();
        }
        inits.clear();
    }

    boolean closed() {
        return closed;
    }

    private void dropParts(long msn) {
        parts.removeIf(p -> {
            if (p.msn() != msn) {
                return false;
            }
            p.body().release();
            return true;
        });
        dirty = true;
    }

    /** Keeps the parts of the newest segments covering three target durations, and of the open segment. */
    private void trimParts() {
        if (parts.isEmpty()) {
            return;
        }
        long horizon = 3_000L * targetDuration;
        long covered = 0;
        long keepFrom = nextMsn;
        var it = segments.descendingIterator();
        while (it.hasNext() && covered < horizon) {
            Segment s = it.next();
            covered += s.durationMs();
            keepFrom = s.msn();
        }
        while (!parts.isEmpty() && parts.peekFirst().msn() < keepFrom) {
            parts.removeFirst().body().release();
        }
    }

    private void trimInits() {
        if (inits.size() <= 1) {
            return;
        }
        int oldest = open != null && open.init() >= 0 ? open.init() : Integer.MAX_VALUE;
        for (Segment s : segments) {
            if (s.init() >= 0) {
                oldest = Math.min(oldest, s.init());
            }
        }
        int keep = oldest;
        inits.entrySet().removeIf(e -> {
            int i = e.getKey();
            if (i < keep && i < nextInit - 1) {
                e.getValue().release();
                return true;
            }
            return false;
        });
    }

    String name(long msn) {
        return name(msn, settings.format());
    }

    private String name(long msn, HlsFormat format) {
        return "seg-" + sid + "-" + msn + format.extension();
    }

    /** Whether something changed since the last {@link #publish()}. */
    boolean dirty() {
        return dirty;
    }

    /** Builds the next snapshot if something changed; returns the current one. */
    Snapshot publish() {
        if (dirty) {
            dirty = false;
            version++;
            snapshot = build();
            if (listener != null) {
                listener.onPlaylist(snapshot);
            }
        }
        return snapshot;
    }

    Snapshot snapshot() {
        return snapshot;
    }

    private Snapshot build() {
        Map<Integer, Served> i = inits.isEmpty() ? Map.of() : new HashMap<>(inits);
        List<Segment> segs = new ArrayList<>(segments);
        return new Snapshot(sid, version, settings, segs.toArray(Segment[]::new), parts.toArray(Part[]::new), open,
                nextMsn, nextPartNumber, i, targetDuration, discontinuitySequence);
    }
}
