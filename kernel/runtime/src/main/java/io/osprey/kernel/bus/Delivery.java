package io.osprey.kernel.bus;

import java.lang.System.Logger.Level;
import java.util.Arrays;
import java.util.concurrent.Executor;

/**
 * How, and on which thread, a frame reaches the subscribers of a stream. {@link LiveStream} and
 * {@link BusSubscription} keep the state (the ring, the waiting subscribers, the demand flags); this class owns every
 * decision about threads. The rules, in the order a frame meets them:
 *
 * <ol>
 * <li><b>Nothing waits, nothing runs.</b> A subscriber is called only after it asked with
 * {@link BusSubscription#demand()}; the publisher's {@code push} appends to the ring and calls
 * {@link #framesArrived}, which returns at once when no subscriber is waiting, or when a wake-up pass for the
 * stream is already queued (the new frame rides along with it).</li>
 * <li><b>Inline, on the publisher's thread</b>: a stream with no viewer subscriptions and at most
 * {@value #INLINE_PACKAGERS} packager subscriptions (HLS, recorders) runs its wake-up pass right there, inside
 * {@code push}: their calls are short CPU work, and at 500 streams the hand-offs to other threads cost a tenth of
 * the server's CPU. A listener that publishes into another stream from such a pass (a {@code ThreadLocal} marks
 * the pass) has that stream woken through a lane instead, so passes never nest.</li>
 * <li><b>On a wake lane</b>: any other stream (viewers among its waiters) queues its pass on its lane
 * ({@link WakeLanes}: one per core, streams assigned round robin); a lane has one task on the executor that runs
 * the queued passes one after the other. The publisher goes on parsing meanwhile, so the audio and video of one
 * instant usually reach a viewer in one call.</li>
 * <li><b>A pass</b> claims the demand of every waiting subscriber and calls them one after the other; a large
 * fan-out (at least {@value #MIN_RUN} a run) is split into one run per core, the extra runs on executor
 * threads, the first on the pass's own thread.</li>
 * <li><b>Redelivery, on the same thread</b>: a listener that calls {@code demand()} from inside
 * {@code onReadable} while more frames are already there (its write completed at once) is called again by the
 * same loop, without a hand-off, up to {@value #MAX_REDELIVER} extra turns; then it yields its thread and
 * goes through the dispatch queue.</li>
 * <li><b>Dispatch, on a bus thread</b>: a {@code demand()} from outside a callback (a write completion, another
 * thread) that finds frames already there hands the subscriber to the dispatch queue ({@link DeliveryQueue}: at
 * most one drain task per core, however many subscribers arrive at once).</li>
 * <li><b>End</b>: when the stream ends, its waiting subscribers are called on the thread that ended it (the
 * publisher's {@code close}, a kick, the scheduler's reconnect-grace timer) so they read what is left and then
 * see the end.</li>
 * </ol>
 *
 * <p>Whatever the path, one subscription's listener runs on one thread at a time (its demand is claimed once), the
 * frame path takes no lock and allocates nothing per frame, and an exception from a listener closes that
 * subscription only. Listeners must not block (the SPI's contract): a blocked one holds up its lane or run.
 */
final class Delivery {

    private static final System.Logger LOG = System.getLogger(Delivery.class.getName());
    /** Fewest subscribers worth a run of their own on another thread. */
    private static final int MIN_RUN = 64;
    /** Back-to-back deliveries to one subscriber before it yields its thread to the others. */
    private static final int MAX_REDELIVER = 4;
    /** Most packager subscriptions a stream wakes inline (HLS, fMP4 and FLV recording, a few more). */
    static final int INLINE_PACKAGERS = 4;
    /** Set while this thread runs an inline wake-up pass: a listener that publishes is woken through a lane. */
    private static final ThreadLocal<Boolean> INLINE = ThreadLocal.withInitial(() -> Boolean.FALSE);

    private final Executor executor;
    private final int parallelism;
    private final WakeLanes lanes;
    private final DeliveryQueue<BusSubscription> dispatched;

    Delivery(Executor executor, int parallelism) {
        this.executor = executor;
        this.parallelism = Math.max(1, parallelism);
        this.lanes = new WakeLanes(executor, this.parallelism, this::wake);
        this.dispatched = new DeliveryQueue<>(executor, this.parallelism, this::deliverOne);
    }

    /** The wake lane for a new stream. */
    int assignLane() {
        return lanes.assign();
    }

    /** Rules 1 to 3: {@code s} appended a frame on its publisher's thread. */
    void framesArrived(LiveStream s) {
        if (s.hasWaiters() && s.queueWake()) {
            if (s.packagersOnly() && !INLINE.get()) {
                INLINE.set(Boolean.TRUE);
                try {
                    wake(s);
                } finally {
                    INLINE.set(Boolean.FALSE);
                }
            } else {
                lanes.schedule(s, s.wakeLane());
            }
        }
    }

    /** Rule 7: {@code s} ended; its waiting subscribers are called on this thread. */
    void ended(LiveStream s) {
        wake(s);
    }

    /** Rule 4: one wake-up pass, inline or on {@code s}'s lane. */
    void wake(LiveStream s) {
        s.wakeRan(); // frames appended from here on queue another pass
        BusSubscription sub = s.pollWaiter();
        if (sub == null) {
            return;
        }
        BusSubscription[] ready = new BusSubscription[Math.max(16, s.waiting() + 1)];
        int n = 0;
        for (; sub != null; sub = s.pollWaiter()) {
            if (sub.claimDemand()) {
                if (n == ready.length) {
                    ready = Arrays.copyOf(ready, n * 2);
                }
                ready[n++] = sub;
            }
        }
        if (n > 0) {
            deliver(ready, n);
        }
    }

    /** Rules 5 and 6: {@code sub} asked for its next call; called on the asking thread. */
    void demand(BusSubscription sub) {
        Thread me = Thread.currentThread();
        if (sub.deliveringOn(me) && sub.readable()) {
            // asked from inside onReadable with more already there: the delivering loop calls again, no hand-off
            // and no trip through the waiters queue (a demand already pending in the waiters queue counts instead)
            if (!sub.demandPending()) {
                sub.redeliverOn(me);
            }
            return;
        }
        if (!sub.raiseDemand()) {
            return; // already waiting
        }
        sub.stream().addWaiter(sub);
        if (sub.readable() && sub.claimDemand()) { // arrived between the check and the add
            if (sub.deliveringOn(me)) {
                sub.redeliverOn(me);
            } else {
                dispatched.add(sub);
            }
        }
    }

    /** Rule 4: delivers {@code ready[0..n)}, split into one run per core for a large fan-out. */
    private void deliver(BusSubscription[] ready, int n) {
        int runs = Math.max(1, Math.min(parallelism, (n + MIN_RUN - 1) / MIN_RUN));
        int per = (n + runs - 1) / runs;
        for (int from = per; from < n; from += per) {
            int start = from;
            int end = Math.min(n, from + per);
            executor.execute(() -> deliverRun(ready, start, end));
        }
        deliverRun(ready, 0, Math.min(n, per));
    }

    private void deliverRun(BusSubscription[] ready, int from, int to) {
        for (int i = from; i < to; i++) {
            deliverOne(ready[i]);
            ready[i] = null;
        }
    }

    /** Rule 5: calls the listener, and again while it demands from inside the call and more is already there. */
    private void deliverOne(BusSubscription s) {
        Thread me = Thread.currentThread();
        s.startDelivering(me);
        boolean requeue = false;
        try {
            for (int turn = 0; !s.isClosed(); turn++) {
                s.listener().onReadable(s);
                if (!s.takeRedeliver(me)) {
                    break;
                }
                if (turn == MAX_REDELIVER) {
                    requeue = true; // its demand is claimed: it must be called again, from the queue
                    break;
                }
            }
        } catch (Throwable t) {
            LOG.log(Level.WARNING, "subscriber of " + s.stream().key() + " (" + s.options().protocol()
                    + ") failed; closing its subscription", t);
            s.close();
        }
        s.stopDelivering(me);
        if (requeue) {
            dispatched.add(s);
        }
    }
}
