package io.osprey.plugin.passthrough;

import io.osprey.spi.Registration;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;

/**
 * The seed's two gates. The connection gate counts open downloads plus waiting ones and refuses at once past
 * {@code maxConnections}; the worker gate lets {@code maxWorkers} remuxes run and queues the rest in FIFO order,
 * each for at most the queue timeout. Thread-safe; a waiter is completed outside the lock.
 */
final class Gates {

    /** Schedules a timeout; the registration cancels it. */
    interface Timer {
        Registration after(long ms, Runnable task);
    }

    private final int maxConnections;
    private final int maxWorkers;
    private final Timer timer;
    private final ArrayDeque<Waiter> queue = new ArrayDeque<>();
    private int connections;
    private int active;

    Gates(int maxConnections, int maxWorkers, Timer timer) {
        this.maxConnections = maxConnections;
        this.maxWorkers = maxWorkers;
        this.timer = timer;
    }

    /** Takes a connection slot, or returns false when all are taken. */
    synchronized boolean enter() {
        if (connections >= maxConnections) {
            return false;
        }
        connections++;
        return true;
    }

    /** Gives back a connection slot. */
    synchronized void leave() {
        connections--;
    }

    /**
     * A worker slot: completed at once if one is free, otherwise when one is released to this waiter, or failed
     * with {@link TimeoutException} after {@code timeoutMs}. Release the slot with {@link #release()}.
     */
    CompletableFuture<Void> worker(long timeoutMs) {
        Waiter w;
        synchronized (this) {
            if (active < maxWorkers && queue.isEmpty()) {
                active++;
                return CompletableFuture.completedFuture(null);
            }
            w = new Waiter();
            queue.addLast(w);
        }
        w.timeout = timer.after(timeoutMs, () -> {
            boolean removed;
            synchronized (this) {
                removed = queue.remove(w);
            }
            if (removed) {
                w.completeExceptionally(new TimeoutException("waited " + timeoutMs + " ms for a worker"));
            }
        });
        return w;
    }

    /** Frees a worker slot: the first waiter gets it, else it is free. */
    void release() {
        Waiter next;
        synchronized (this) {
            next = queue.pollFirst();
            if (next == null) {
                active--;
                return;
            }
        }
        if (next.timeout != null) {
            next.timeout.close();
        }
        if (!next.complete(null)) {
            release(); // it was cancelled meanwhile: pass the slot on
        }
    }

    /** Withdraws a waiter that no longer wants a slot (its client left); false if it already had one. */
    boolean withdraw(CompletableFuture<Void> w) {
        synchronized (this) {
            if (!queue.remove(w)) {
                return false;
            }
        }
        w.cancel(false);
        return true;
    }

    synchronized int connections() {
        return connections;
    }

    synchronized int active() {
        return active;
    }

    synchronized int queued() {
        return queue.size();
    }

    private static final class Waiter extends CompletableFuture<Void> {
        volatile Registration timeout;
    }
}
