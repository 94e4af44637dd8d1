package io.osprey.plugin.ratelimit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class GcraTest {

    private static final long S = 1_000_000_000L;

    @Test
    void aFullBucketAllowsTheBurstThenOneRequestPerInterval() {
        Gcra g = new Gcra();
        long t = 1_000 * S;
        for (int i = 0; i < 5; i++) {
            assertEquals(0, g.take(t, 2, 5), "request " + i + " of the burst");
        }
        long wait = g.take(t, 2, 5);
        assertEquals(S / 2, wait, "the next token is due after one interval (1/rate)");
        assertTrue(g.take(t + wait - 1, 2, 5) > 0, "not a nanosecond early");
        assertEquals(0, g.take(t + wait, 2, 5));
        assertTrue(g.take(t + wait, 2, 5) > 0);
    }

    @Test
    void anIdleBucketRefillsToItsBurstAndNoFurther() {
        Gcra g = new Gcra();
        long t = 5 * S;
        for (int i = 0; i < 3; i++) {
            assertEquals(0, g.take(t, 1, 3));
        }
        assertFalse(g.idle(t));
        t += 100 * S; // far longer than needed to refill
        assertTrue(g.idle(t), "refilled: can be dropped");
        for (int i = 0; i < 3; i++) {
            assertEquals(0, g.take(t, 1, 3));
        }
        assertTrue(g.take(t, 1, 3) > 0, "burst is the cap, idle time does not bank more");
    }

    @Test
    void aNewRateAppliesToTheNextRequest() {
        Gcra g = new Gcra();
        long t = 7 * S;
        assertEquals(0, g.take(t, 1, 1));
        assertTrue(g.take(t, 1, 1) > 0);
        assertEquals(0, g.take(t, 1000, 1000), "raised limits let the client through at once");
    }
}
