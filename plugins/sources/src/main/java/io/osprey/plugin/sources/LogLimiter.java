package io.osprey.plugin.sources;

/**
 * At most {@code perMinute} log lines per source per minute, so a camera that fails every second does not flood
 * the log; the lines passed over are counted and mentioned in the next one let through. Not thread-safe (used
 * under the source's lock).
 */
final class LogLimiter {

    private final int perMinute;
    private long windowStart = System.nanoTime();
    private int inWindow;
    private long suppressed;
    private long reported;

    LogLimiter(int perMinute) {
        this.perMinute = perMinute;
    }

    /** Whether to log now; a {@code true} answer should include {@link #suppressedNote()}. */
    boolean allow() {
        long now = System.nanoTime();
        if (now - windowStart > 60_000_000_000L) {
            windowStart = now;
            inWindow = 0;
        }
        if (inWindow < perMinute) {
            inWindow++;
            reported = suppressed;
            suppressed = 0;
            return true;
        }
        suppressed++;
        return false;
    }

    /** " (N similar lines not logged)" after suppression, else empty. */
    String suppressedNote() {
        return reported == 0 ? "" : " (" + reported + " earlier failures not logged)";
    }
}
