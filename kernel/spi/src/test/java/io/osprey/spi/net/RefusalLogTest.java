package io.osprey.spi.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.ResourceBundle;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RefusalLogTest {

    private final List<String> lines = new ArrayList<>();
    private final AtomicLong now = new AtomicLong(1_000_000_000L);

    private final System.Logger logger = new System.Logger() {
        @Override
        public String getName() {
            return "test";
        }

        @Override
        public boolean isLoggable(Level level) {
            return true;
        }

        @Override
        public void log(Level level, ResourceBundle bundle, String msg, Throwable thrown) {
            lines.add(msg);
        }

        @Override
        public void log(Level level, ResourceBundle bundle, String format, Object... params) {
            lines.add(format);
        }
    };

    private void advanceMillis(long ms) {
        now.addAndGet(ms * 1_000_000L);
    }

    @Test
    void oncePerClientPerRulePerInterval() {
        RefusalLog log = new RefusalLog(logger, 60_000, 100, now::get);
        assertTrue(log.refuse("10.0.0.1", "connection cap", "5 of 5"));
        assertFalse(log.refuse("10.0.0.1", "connection cap", "5 of 5"));
        assertFalse(log.refuse("10.0.0.1", "connection cap", "5 of 5"));
        assertTrue(log.refuse("10.0.0.1", "bad request", "400"), "another rule is its own line");
        assertTrue(log.refuse("10.0.0.2", "connection cap", "5 of 5"), "another client is its own line");
        assertEquals(List.of("refused 10.0.0.1: connection cap (5 of 5)", "refused 10.0.0.1: bad request (400)",
                "refused 10.0.0.2: connection cap (5 of 5)"), lines);
        advanceMillis(59_999);
        assertFalse(log.refuse("10.0.0.1", "connection cap", "5 of 5"));
        advanceMillis(1);
        assertTrue(log.refuse("10.0.0.1", "connection cap", "6 of 5"));
        assertEquals("refused 10.0.0.1: connection cap (6 of 5); 3 more since the last report", lines.get(3));
        assertEquals(7, log.refusals());
    }

    @Test
    void manyClientsShareOneLineWhenTheTableIsFull() {
        RefusalLog log = new RefusalLog(logger, 1_000, 3, now::get);
        for (int i = 0; i < 1000; i++) {
            log.refuse("10.0.0." + i, "slow request", "");
        }
        assertEquals(4, lines.size(), "three clients, then one line for the rest: " + lines);
        assertTrue(lines.get(3).startsWith("refused *: slow request (more than 3 clients refused)"), lines.get(3));
        assertTrue(log.trackedKeys() <= 4);
        advanceMillis(1_000);
        assertTrue(log.refuse("10.0.1.1", "slow request", ""), "expired pairs make room again");
        assertTrue(log.trackedKeys() <= 3, "old pairs dropped: " + log.trackedKeys());
    }

    @Test
    void aThrowingLoggerDoesNotEscape() {
        System.Logger broken = new System.Logger() {
            public String getName() {
                return "broken";
            }

            public boolean isLoggable(Level level) {
                return true;
            }

            public void log(Level level, ResourceBundle bundle, String msg, Throwable thrown) {
                throw new IllegalStateException("handler closed");
            }

            public void log(Level level, ResourceBundle bundle, String format, Object... params) {
                throw new IllegalStateException("handler closed");
            }
        };
        assertTrue(new RefusalLog(broken, 1000).refuse("a", "b", "c"));
    }
}
