package io.osprey.kernel.bus;

import io.osprey.spi.bus.Frame;
import io.osprey.spi.bus.MediaKind;
import io.osprey.spi.bus.SubscribeOptions;
import io.osprey.spi.bus.Subscription;
import io.osprey.spi.bus.SubscriptionListener;
import io.osprey.spi.bus.TrackInfo;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A cursor into a stream's {@link FrameRing}, with the slow-reader policy of {@link SubscribeOptions}, and the demand
 * flags {@link Delivery} reads and sets (which thread calls the listener is {@link Delivery}'s to say).
 */
final class BusSubscription implements Subscription {

    private final LiveStream stream;
    private final SubscribeOptions options;
    private final SubscriptionListener listener;
    private final AtomicBoolean demanded = new AtomicBoolean();
    private final ArrayDeque<Frame> prelude = new ArrayDeque<>();
    private final Map<Integer, TrackInfo> delivered = new HashMap<>();

    private volatile long cursor; // read by the publisher's thread too (how far packagers have read)
    private boolean waitingForSync;
    private int drops;
    private volatile long droppedFrames;
    private volatile boolean closed;
    private volatile String endReason;
    /** The thread delivering to this subscriber (inside or around {@link SubscriptionListener#onReadable}), or null. */
    private final AtomicReference<Thread> deliveringOn = new AtomicReference<>();
    /** The delivering thread that {@link #demand} asked, from inside its call, to call the listener again. */
    private volatile Thread redeliverOn;

    BusSubscription(LiveStream stream, SubscribeOptions options, SubscriptionListener listener) {
        this.stream = stream;
        this.options = options;
        this.listener = listener;
        FrameRing ring = stream.ring();
        long sync = ring.syncPoint();
        if (sync >= 0 && sync >= ring.tail() && options.video()) {
            cursor = sync;
            FrameRing.Entry e = ring.get(sync);
            addPrelude(e != null && e.tracks != null ? e.tracks : stream.tracks());
        } else {
            cursor = ring.head();
            waitingForSync = true;
        }
    }

    SubscribeOptions options() {
        return options;
    }

    /** The next sequence number this subscriber reads. */
    long cursor() {
        return cursor;
    }

    SubscriptionListener listener() {
        return listener;
    }

    @Override
    public LiveStream stream() {
        return stream;
    }

    @Override
    public int poll(List<? super Frame> out, int max) {
        if (closed || endReason != null) {
            return -1;
        }
        int n = 0;
        while (n < max && !prelude.isEmpty()) {
            out.add(prelude.poll());
            n++;
        }
        FrameRing ring = stream.ring();
        long head = ring.head();
        if (n < max && cursor < head && isBehind(ring, head)) {
            resync(ring, head);
            if (endReason != null) {
                return n > 0 ? n : -1;
            }
            while (n < max && !prelude.isEmpty()) {
                out.add(prelude.poll());
                n++;
            }
        }
        long c = cursor;
        while (n < max && c < head) {
            FrameRing.Entry e = ring.get(c);
            if (e != null && !e.frame.tryRetain()) {
                e = null; // evicted and released since get: as good as gone
            }
            if (e == null) { // lapped by the writer while reading
                cursor = c;
                resync(ring, ring.head());
                if (endReason != null) {
                    return n > 0 ? n : -1;
                }
                c = cursor;
                head = ring.head();
                continue;
            }
            c++;
            Frame f = e.frame; // retained: handed out below, or released where it is skipped
            if (waitingForSync) {
                if (!isSync(f)) {
                    if (!f.isConfig()) {
                        droppedFrames++;
                    }
                    f.release();
                    continue;
                }
                waitingForSync = false;
                addPrelude(e.tracks != null ? e.tracks : stream.tracks());
                while (n < max && !prelude.isEmpty()) {
                    out.add(prelude.poll());
                    n++;
                }
                if (n >= max) {
                    c--; // deliver this frame next time
                    waitingForSync = false;
                    f.release();
                    break;
                }
            }
            if (!wants(f)) {
                f.release();
                continue;
            }
            if (f.isConfig()) {
                TrackInfo last = delivered.get(trackKey(f.kind(), f.track()));
                if (last != null && last.codec() == f.codec() && last.config().equals(f.payload())) {
                    f.release();
                    continue;
                }
                delivered.put(trackKey(f.kind(), f.track()), new TrackInfo(f.track(), f.codec(), f.payload(), 0, 0, 0, 0, 0));
            }
            out.add(f);
            n++;
        }
        cursor = c;
        if (n == 0 && stream.isEnded() && cursor >= ring.head()) {
            endReason = stream.endReason();
            return -1;
        }
        return n;
    }

    private boolean isBehind(FrameRing ring, long head) {
        if (cursor < ring.tail()) {
            return true;
        }
        long lagFrames = head - cursor;
        if (lagFrames > options.maxLagFrames()) {
            return true;
        }
        FrameRing.Entry oldest = ring.get(cursor);
        FrameRing.Entry newest = ring.get(head - 1);
        if (oldest == null || newest == null) {
            return true;
        }
        long lagBytes = newest.cumulativeBytes - (oldest.cumulativeBytes - oldest.frame.size());
        long lagMillis = newest.frame.dts() - oldest.frame.dts();
        return lagBytes > options.maxLagBytes() || lagMillis > options.maxLagMillis();
    }

    /** Moves the cursor forward to the newest sync point (or to the head, waiting for the next one). */
    private void resync(FrameRing ring, long head) {
        drops++;
        long sync = ring.syncPoint();
        long target;
        if (sync > cursor && sync >= ring.tail() && options.video()) {
            target = sync;
            long saved = cursor;
            cursor = sync;
            if (isBehind(ring, head)) { // even the current GOP is over the bounds: wait for the next key frame
                target = head;
            }
            cursor = saved;
        } else {
            target = head;
        }
        droppedFrames += Math.max(0, target - cursor);
        stream.countDropped(Math.max(0, target - cursor));
        cursor = target;
        if (target == head) {
            waitingForSync = true;
        } else {
            FrameRing.Entry e = ring.get(target);
            addPrelude(e != null && e.tracks != null ? e.tracks : stream.tracks());
            waitingForSync = false;
        }
        if (options.maxDrops() > 0 && drops > options.maxDrops()) {
            endReason = "too slow";
            stream.removeSubscription(this);
        }
    }

    private void addPrelude(List<TrackInfo> tracks) {
        prelude.clear();
        for (TrackInfo t : tracks) {
            if (!wantsKind(t.kind()) || t.config().remaining() == 0) {
                continue;
            }
            TrackInfo last = delivered.get(trackKey(t.kind(), t.id()));
            if (last != null && last.codec() == t.codec() && last.config().equals(t.config())) {
                continue;
            }
            delivered.put(trackKey(t.kind(), t.id()), t);
            prelude.add(Frame.config(t.id(), t.codec(), stream.lastDts(), t.config()));
        }
    }

    private boolean isSync(Frame f) {
        if (options.video() && stream.hasVideo()) {
            return f.isVideoKey();
        }
        return f.kind() == MediaKind.AUDIO && !f.isConfig();
    }

    private boolean wants(Frame f) {
        return wantsKind(f.kind());
    }

    private boolean wantsKind(MediaKind kind) {
        switch (kind) {
            case VIDEO:
                return options.video();
            case AUDIO:
                return options.audio();
            default:
                return options.data();
        }
    }

    private static int trackKey(MediaKind kind, int track) {
        return kind.ordinal() << 16 | track;
    }

    @Override
    public void demand() {
        if (!closed) {
            stream.delivery().demand(this);
        }
    }

    // ---- delivery state, read and set by Delivery (which says on which thread each is called) ----

    /** Whether {@code me} is delivering to this subscriber now (inside or around its listener's call). */
    boolean deliveringOn(Thread me) {
        return deliveringOn.get() == me;
    }

    /** Asks the delivering thread {@code me} to call the listener again after the current call. */
    void redeliverOn(Thread me) {
        redeliverOn = me;
    }

    /** Whether a demand is waiting in the stream's waiters queue. */
    boolean demandPending() {
        return demanded.get();
    }

    /** Marks a demand pending; false if one already was. */
    boolean raiseDemand() {
        return demanded.compareAndSet(false, true);
    }

    /** The bus marks {@code me} as delivering to this subscriber. */
    void startDelivering(Thread me) {
        deliveringOn.set(me);
    }

    /** {@code me} is done delivering (unless another thread took over meanwhile, which keeps its mark). */
    void stopDelivering(Thread me) {
        deliveringOn.compareAndSet(me, null);
    }

    /** Whether {@link #demand} asked {@code me} for another call during the last one; clears the request. */
    boolean takeRedeliver(Thread me) {
        if (redeliverOn != me) {
            return false;
        }
        redeliverOn = null;
        return true;
    }

    /** Called by the stream when frames arrive or it ends: claims the pending demand, if any. */
    boolean claimDemand() {
        return demanded.compareAndSet(true, false);
    }

    /** Frames, a prelude or an end to report: a call to the listener would find something. */
    boolean readable() {
        return !prelude.isEmpty() || cursor < stream.ring().head() || stream.isEnded() || endReason != null || closed;
    }

    @Override
    public String endReason() {
        return closed && endReason == null ? "closed" : endReason;
    }

    @Override
    public long droppedFrames() {
        return droppedFrames;
    }

    @Override
    public void addBytesOut(long bytes) {
        stream.countBytesOut(bytes);
    }

    boolean isClosed() {
        return closed;
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            stream.removeSubscription(this);
        }
    }
}
