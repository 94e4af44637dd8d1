package io.osprey.kernel.worker;

import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * The live log of one plugin's workers of one name ({@link io.osprey.spi.worker.WorkerSpec#withStderrLog}): each
 * stderr line becomes one log line {@code "<name>: <line>"}, at most {@code perMinute} a minute; the lines passed
 * over are counted and mentioned in the next one let through. Shared by every run of that name, so a child that is
 * restarted every second cannot flood the log by being new each time. Thread-safe (one lock, held briefly).
 */
final class StderrLog {

    /** {@code scheme://user:password@}: the password is replaced, as ffmpeg prints input URLs in its errors. */
    private static final Pattern PASSWORD = Pattern.compile("([A-Za-z][A-Za-z0-9+.-]*://[^:/@\\s]*:)[^@\\s/]*@");
    private static final long MINUTE_NANOS = 60_000_000_000L;

    private final String prefix;
    private final int perMinute;
    private final Consumer<String> sink;
    private final java.util.function.LongSupplier clock;
    private long windowStart;
    private int inWindow;
    private long suppressed;

    StderrLog(String prefix, int perMinute, Consumer<String> sink) {
        this(prefix, perMinute, sink, System::nanoTime);
    }

    StderrLog(String prefix, int perMinute, Consumer<String> sink, java.util.function.LongSupplier clock) {
        this.prefix = prefix;
        this.perMinute = perMinute;
        this.sink = sink;
        this.clock = clock;
        this.windowStart = clock.getAsLong();
    }

    /** Logs {@code line} unless this minute's budget is spent. */
    void line(String line) {
        String out;
        synchronized (this) {
            long now = clock.getAsLong();
            if (now - windowStart > MINUTE_NANOS) {
                windowStart = now;
                inWindow = 0;
            }
            if (inWindow >= perMinute) {
                suppressed++;
                return;
            }
            inWindow++;
            out = prefix + ": " + mask(line) + (suppressed == 0 ? "" : " (" + suppressed + " earlier lines not logged)");
            suppressed = 0;
        }
        sink.accept(out);
    }

    /** {@code line} with the password of any {@code scheme://user:password@} replaced by {@code ***}. */
    static String mask(String line) {
        return PASSWORD.matcher(line).replaceAll("$1***@");
    }
}
