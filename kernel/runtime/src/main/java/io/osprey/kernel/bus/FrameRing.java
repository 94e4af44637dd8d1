package io.osprey.kernel.bus;

import io.osprey.spi.bus.Frame;
import io.osprey.spi.bus.TrackInfo;
import java.util.List;

/**
 * A stream's recent frames: one writer (the publisher), many lock-free readers, each a cursor (a sequence
 * number). Readers that fall off the tail notice it by the sequence number stored in each entry, so a reader can
 * never see a frame out of order. Retention is bounded in frames and bytes; older than {@code retainMillis} is
 * evicted too unless it belongs to the current GOP.
 */
final class FrameRing {

    /** One frame in the ring; immutable. */
    static final class Entry {
        final long seq;
        final Frame frame;
        /** Payload bytes of all entries up to and including this one (for byte-lag arithmetic). */
        final long cumulativeBytes;
        /** For sync points: the stream's tracks as of this frame, so a reader joining here gets the right configs. */
        final List<TrackInfo> tracks;

        Entry(long seq, Frame frame, long cumulativeBytes, List<TrackInfo> tracks) {
            this.seq = seq;
            this.frame = frame;
            this.cumulativeBytes = cumulativeBytes;
            this.tracks = tracks;
        }
    }

    private final Entry[] slots;
    private final int mask;
    private final int maxFrames;
    private final long maxBytes;
    private final long retainMillis;

    private volatile long head;      // next sequence number to write
    private volatile long tail;      // oldest retained sequence number
    private volatile long syncPoint = -1; // newest sync point (video key frame, or audio frame if no video)
    private long cumulativeBytes;
    private long newestDts;
    private boolean released;

    FrameRing(int maxFrames, long maxBytes, long retainMillis) {
        int capacity = Integer.highestOneBit(Math.max(16, maxFrames) - 1) << 1;
        this.slots = new Entry[capacity];
        this.mask = capacity - 1;
        this.maxFrames = Math.min(maxFrames, capacity - 1);
        this.maxBytes = maxBytes;
        this.retainMillis = retainMillis;
    }

    /** Appends a frame; only the publisher's thread calls this. */
    void append(Frame frame, boolean isSyncPoint, List<TrackInfo> tracks) {
        append(frame, isSyncPoint, tracks, Long.MAX_VALUE, 0);
    }

    /**
     * Appends a frame, keeping frames from {@code hold} on beyond {@code retainMillis} (up to {@code holdMillis} of
     * stream time, and always within the frame and byte bounds): a packager that reads behind, such as a recorder
     * waiting for its disk, then loses nothing as long as its own lag bound allows, while no memory is kept for it
     * when it keeps up. Only the publisher's thread calls this.
     */
    void append(Frame frame, boolean isSyncPoint, List<TrackInfo> tracks, long hold, long holdMillis) {
        append(frame, isSyncPoint, tracks, hold, holdMillis, retainMillis);
    }

    /**
     * As {@link #append(Frame, boolean, List, long, long)}, keeping {@code retain} ms of stream time behind the
     * newest frame for now instead of {@code retainMillis}: the retention serves viewers that lag, and a stream
     * nobody views yet keeps only its current GOP (a viewer joins at the newest sync point anyway).
     */
    synchronized void append(Frame frame, boolean isSyncPoint, List<TrackInfo> tracks, long hold, long holdMillis,
                             long retain) {
        if (released) {
            frame.release(); // a publisher's last frame raced the stream's end: nobody will read it
            return;
        }
        long seq = head;
        cumulativeBytes += frame.size();
        newestDts = frame.dts();
        slots[(int) (seq & mask)] = new Entry(seq, frame, cumulativeBytes, isSyncPoint ? tracks : null);
        if (isSyncPoint) {
            syncPoint = seq;
        }
        head = seq + 1;
        evict(hold, holdMillis, Math.min(retain, retainMillis));
    }

    private void evict(long hold, long holdMillis, long retainMillis) {
        long h = head;
        long t = tail;
        long sync = syncPoint;
        while (t < h - 1) {
            Entry oldest = slots[(int) (t & mask)];
            long retainedBytes = cumulativeBytes - (oldest.cumulativeBytes - oldest.frame.size());
            boolean overFrames = h - t > maxFrames;
            boolean overBytes = retainedBytes > maxBytes;
            long age = newestDts - oldest.frame.dts();
            // older than retainMs, and read by every packager or past their lag bound
            boolean tooOld = t < sync && age > retainMillis && (t < hold || age > holdMillis);
            if (!overFrames && !overBytes && !tooOld) {
                break;
            }
            slots[(int) (t & mask)] = null;
            t++;
            tail = t; // readers see the entry gone before its reference is: they retain with tryRetain
            oldest.frame.release();
        }
        tail = t;
        if (sync >= 0 && sync < t) {
            syncPoint = -1; // the GOP outgrew the ring: new readers wait for the next key frame
        }
    }

    /**
     * Drops every retained frame, giving its memory back: for a stream that ended and that nobody reads any more
     * (the publisher appends no more). Safe against a late reader as eviction is: the tail moves first, and a
     * reader that still took an entry finds it released ({@code tryRetain} fails). Exclusive with {@link #append}
     * (an uncontended lock: one writer), so a frame is never released twice; frames appended later are dropped.
     */
    synchronized void releaseAll() {
        released = true;
        long h = head;
        long t = tail;
        tail = h;
        syncPoint = -1;
        for (; t < h; t++) {
            int i = (int) (t & mask);
            Entry e = slots[i];
            slots[i] = null;
            if (e != null && e.seq == t) {
                e.frame.release();
            }
        }
    }

    long head() {
        return head;
    }

    long tail() {
        return tail;
    }

    long syncPoint() {
        return syncPoint;
    }

    /** The entry with sequence {@code seq}, or {@code null} if it was evicted (or not written yet). */
    Entry get(long seq) {
        Entry e = slots[(int) (seq & mask)];
        return e != null && e.seq == seq ? e : null;
    }

    long retainMillis() {
        return retainMillis;
    }

    /** Retained payload bytes (approximate when read outside the writer thread). */
    long retainedBytes() {
        Entry oldest = get(tail);
        return oldest == null ? 0 : cumulativeBytes - (oldest.cumulativeBytes - oldest.frame.size());
    }

    int retainedFrames() {
        return (int) (head - tail);
    }
}
