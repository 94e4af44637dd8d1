package io.osprey.plugin.passthrough;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.osprey.spi.Registration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

/** The two gates as a state machine, with a manual timer. */
class GatesTest {

    private final List<Runnable> timeouts = new ArrayList<>();
    private final Gates gates = new Gates(4, 2, (ms, task) -> {
        timeouts.add(task);
        Registration r = () -> timeouts.remove(task);
        return r;
    });

    @Test
    void connectionsAreRefusedPastTheCapAndFreedOnLeave() {
        for (int i = 0; i < 4; i++) {
            assertTrue(gates.enter());
        }
        assertFalse(gates.enter());
        gates.leave();
        assertTrue(gates.enter());
        assertEquals(4, gates.connections());
    }

    @Test
    void workersQueueInOrderAndAReleasedSlotGoesToTheFirstWaiter() {
        CompletableFuture<Void> a = gates.worker(1000);
        CompletableFuture<Void> b = gates.worker(1000);
        CompletableFuture<Void> c = gates.worker(1000);
        CompletableFuture<Void> d = gates.worker(1000);
        assertTrue(a.isDone() && b.isDone());
        assertFalse(c.isDone() || d.isDone());
        assertEquals(2, gates.active());
        assertEquals(2, gates.queued());
        gates.release();
        assertTrue(c.isDone() && !c.isCompletedExceptionally());
        assertFalse(d.isDone());
        assertEquals(2, gates.active());
        assertEquals(1, gates.queued());
        assertEquals(1, timeouts.size(), "c's timeout was cancelled, d's is pending");
    }

    @Test
    void aWaiterTimesOutAndLeavesTheQueue() {
        gates.worker(1000);
        gates.worker(1000);
        CompletableFuture<Void> c = gates.worker(1000);
        timeouts.get(0).run();
        assertTrue(c.isCompletedExceptionally());
        assertTrue(c.handle((x, t) -> t).join() instanceof TimeoutException);
        assertEquals(0, gates.queued());
        gates.release();
        gates.release();
        assertEquals(0, gates.active());
    }

    @Test
    void aWithdrawnWaiterDoesNotTakeASlot() {
        gates.worker(1000);
        gates.worker(1000);
        CompletableFuture<Void> c = gates.worker(1000);
        CompletableFuture<Void> d = gates.worker(1000);
        assertTrue(gates.withdraw(c));
        gates.release();
        assertTrue(d.isDone() && !d.isCompletedExceptionally());
        assertEquals(2, gates.active());
    }
}
