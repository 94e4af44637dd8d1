package io.osprey.kernel.bus;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Subscribers handed to the bus one at a time (a demand that found frames already waiting, a subscriber requeued
 * after its turns): queued and delivered by at most {@code maxDrainers} tasks on the executor, however many arrive at
 * once. One executor task per subscriber made the thread pool start a thread for almost every one of them in a burst:
 * Jetty's pool starts a thread whenever a task finds no idle one, and a write merger releasing 2,000 viewers in one
 * tick submits 2,000 tasks within a millisecond. The pool then sat at its maximum (512 threads, nearly all idle) after
 * every viewer ramp. A drain task runs its queue to the end, so under load one hand-off carries many deliveries;
 * deliveries do not block (the SPI's contract), so more drainers than cores would only add context switches.
 * Thread-safe.
 */
final class DeliveryQueue<T> {

    private static final System.Logger LOG = System.getLogger(DeliveryQueue.class.getName());

    private final ConcurrentLinkedQueue<T> queue = new ConcurrentLinkedQueue<>();
    /** Drain tasks queued or running. */
    private final AtomicInteger drainers = new AtomicInteger();
    private final Executor executor;
    private final int maxDrainers;
    private final Consumer<T> deliver;
    private final Runnable drain = this::drain;

    DeliveryQueue(Executor executor, int maxDrainers, Consumer<T> deliver) {
        this.executor = executor;
        this.maxDrainers = Math.max(1, maxDrainers);
        this.deliver = deliver;
    }

    /** Queues {@code item}, and a drain task if fewer than {@code maxDrainers} are queued or running. */
    void add(T item) {
        queue.add(item);
        if (claimDrainer()) {
            try {
                executor.execute(drain);
            } catch (RuntimeException e) { // executor stopped
                drainers.decrementAndGet();
                throw e;
            }
        }
    }

    private boolean claimDrainer() {
        for (int d = drainers.get(); d < maxDrainers; d = drainers.get()) {
            if (drainers.compareAndSet(d, d + 1)) {
                return true;
            }
        }
        return false;
    }

    private void drain() {
        do {
            for (T item = queue.poll(); item != null; item = queue.poll()) {
                try {
                    deliver.accept(item); // the consumer catches what listeners throw; this is the executor stopping
                } catch (RuntimeException e) {
                    LOG.log(System.Logger.Level.DEBUG, "delivery failed", e);
                }
            }
            drainers.decrementAndGet();
            // an item added after the last poll, while every drainer was still counted, started none: take it now
        } while (!queue.isEmpty() && claimDrainer());
    }

    /** Drain tasks queued or running now (for tests). */
    int drainers() {
        return drainers.get();
    }
}
