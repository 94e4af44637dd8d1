package io.osprey.kernel.bus;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Runs the streams' wake-up passes ({@link Delivery#wake}) in a few serial lanes, one per core, instead of
 * one pool task per pass. A stream is bound to one lane; a lane that has passes queued has exactly one task on the
 * executor, which runs them one after the other until the lane is empty. Under load (hundreds of streams, each
 * waking its packagers every few milliseconds) one hand-off to a pool thread then carries many passes rather than
 * one, which is where the thread hand-offs (lock, unpark, context switch) went; a lone stream costs what it did.
 * Listeners must not block (the SPI's contract), so a pass only delays the passes behind it in its lane by its
 * own short run.
 */
final class WakeLanes {

    private static final class Lane {
        final ConcurrentLinkedQueue<LiveStream> queue = new ConcurrentLinkedQueue<>();
        /** A drain task is queued or running for this lane. */
        final AtomicBoolean draining = new AtomicBoolean();
        Runnable drain;
    }

    private final Executor executor;
    private final Lane[] lanes;
    private final AtomicInteger next = new AtomicInteger();
    private final Consumer<LiveStream> pass;

    WakeLanes(Executor executor, int lanes, Consumer<LiveStream> pass) {
        this.executor = executor;
        this.pass = pass;
        this.lanes = new Lane[Math.max(1, lanes)];
        for (int i = 0; i < this.lanes.length; i++) {
            Lane lane = new Lane();
            lane.drain = () -> drain(lane);
            this.lanes[i] = lane;
        }
    }

    /** The lane for a new stream: round robin, so streams spread evenly. */
    int assign() {
        return Math.floorMod(next.getAndIncrement(), lanes.length);
    }

    /** Queues {@code s}'s pass on its lane; the caller makes sure a stream is queued at most once at a time. */
    void schedule(LiveStream s, int lane) {
        Lane l = lanes[lane];
        l.queue.add(s);
        if (l.draining.compareAndSet(false, true)) {
            try {
                executor.execute(l.drain);
            } catch (RuntimeException e) { // executor stopped: let the next schedule try again
                l.draining.set(false);
                throw e;
            }
        }
    }

    private void drain(Lane lane) {
        while (true) {
            for (LiveStream s = lane.queue.poll(); s != null; s = lane.queue.poll()) {
                pass.accept(s); // deliveries catch what listeners throw
            }
            lane.draining.set(false);
            // a stream queued after the last poll and before the flag dropped found the flag set: take it now
            if (lane.queue.isEmpty() || !lane.draining.compareAndSet(false, true)) {
                return;
            }
        }
    }
}
