package io.osprey.media.live;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.osprey.spi.Registration;
import io.osprey.spi.Scheduler;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class WriteMergerTest {

    /** A scheduler the test steps by hand: tasks run only when {@link #runNext} is called. */
    static final class ManualScheduler implements Scheduler {
        final ArrayDeque<Runnable> tasks = new ArrayDeque<>();
        final List<Long> delaysMs = new ArrayList<>();

        @Override
        public Registration schedule(Runnable task, long delay, TimeUnit unit) {
            tasks.add(task);
            delaysMs.add(unit.toMillis(delay));
            return () -> tasks.remove(task);
        }

        @Override
        public Registration scheduleWithFixedDelay(Runnable task, long initialDelay, long period, TimeUnit unit) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void execute(Runnable task) {
            task.run();
        }

        void runNext() {
            tasks.poll().run();
        }

        long lastDelayMs() {
            return delaysMs.get(delaysMs.size() - 1);
        }
    }

    @Test
    void theWindowIsTheViewersShareOfTheBudget() {
        assertEquals(0, WriteMerger.windowMs(1, 100_000, 200), "one viewer: every frame at once");
        assertEquals(0, WriteMerger.windowMs(400, 100_000, 200), "a 4 ms window is not worth it");
        assertEquals(20, WriteMerger.windowMs(2_000, 100_000, 200));
        assertEquals(80, WriteMerger.windowMs(8_000, 100_000, 200));
        assertEquals(200, WriteMerger.windowMs(100_000, 100_000, 200), "capped");
        assertEquals(0, WriteMerger.windowMs(100_000, 100_000, 0), "maxMs 0 never merges");
    }

    @Test
    void fewViewersNeverWaitManyWaitForTheNextTick() throws Exception {
        ManualScheduler s = new ManualScheduler();
        AtomicInteger viewers = new AtomicInteger(10);
        WriteMerger m = new WriteMerger(s, 200, 1_000, viewers::get);
        AtomicInteger demanded = new AtomicInteger();
        Runnable demand = demanded::incrementAndGet;
        assertTrue(s.tasks.isEmpty(), "nothing ticks before a viewer asks");

        assertTrue(m.defer(demand), "10 viewers of a 1,000/s budget: a 10 ms window");
        assertEquals(10, m.windowMs());
        assertEquals(1, s.tasks.size());
        assertEquals(10, s.lastDelayMs(), "the tick comes one window later");
        assertTrue(m.defer(demand));
        assertEquals(1, s.tasks.size(), "one tick for all that wait");
        assertEquals(0, demanded.get(), "nothing runs before the tick");
        s.runNext(); // releases both; 10 viewers still: ticks on
        assertEquals(2, demanded.get());
        assertEquals(1, s.tasks.size());
        viewers.set(2);
        assertTrue(m.defer(demand));
        s.runNext(); // releases it, and 2 viewers need no window: ticking stops
        assertEquals(3, demanded.get());
        assertEquals(0, m.windowMs());
        assertTrue(s.tasks.isEmpty(), "no tick while idle");
        assertFalse(m.defer(demand));
        viewers.set(10);
        assertFalse(m.defer(demand), "the count is looked at again only after a while");
        Thread.sleep(WriteMerger.IDLE_CHECK_MS + 10);
        assertTrue(m.defer(demand), "then the window opens again");
        assertEquals(1, s.tasks.size());

        m.close();
        s.runNext(); // the last tick releases what waited
        assertEquals(4, demanded.get());
        assertTrue(s.tasks.isEmpty(), "no tick after close");
        assertFalse(m.defer(demand));
    }

    @Test
    void aViewerThatComesInWhileTheTickerStopsIsStillReleased() {
        ManualScheduler s = new ManualScheduler();
        AtomicInteger viewers = new AtomicInteger(100);
        WriteMerger m = new WriteMerger(s, 200, 1_000, viewers::get);
        AtomicInteger demanded = new AtomicInteger();
        Runnable late = demanded::incrementAndGet;
        assertTrue(m.defer(() -> {
            demanded.incrementAndGet();
            viewers.set(0); // the audience leaves: this tick closes the window...
            assertTrue(m.defer(late), "...but this viewer still saw it open");
        }));
        s.runNext();
        assertEquals(2, demanded.get(), "the tick that stops releases the late one too");
        assertTrue(s.tasks.isEmpty(), "and nothing ticks after it");
    }

    @Test
    void aFailingDemandDoesNotStopTheOthers() {
        ManualScheduler s = new ManualScheduler();
        WriteMerger m = new WriteMerger(s, 200, 1_000, () -> 100);
        AtomicInteger ok = new AtomicInteger();
        m.defer(() -> {
            throw new IllegalStateException("viewer gone");
        });
        m.defer(ok::incrementAndGet);
        s.runNext();
        assertEquals(1, ok.get());
        assertEquals(1, s.tasks.size(), "still ticking");
    }

    @Test
    void badSettingsAreRefused() {
        ManualScheduler s = new ManualScheduler();
        assertThrows(IllegalArgumentException.class, () -> new WriteMerger(s, -1, 1_000, () -> 0));
        assertThrows(IllegalArgumentException.class, () -> new WriteMerger(s, 100, 0, () -> 0));
        new WriteMerger(s, 0, 1_000, () -> 0);
        assertTrue(s.tasks.isEmpty(), "maxMs 0: no tick at all");
    }
}
