package io.osprey.plugin.rtmp;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/** Captures what the plugin logs (System.Logger goes to java.util.logging), to check that a close gave a reason. */
final class LogCapture extends Handler {

    private static final Logger PLUGIN = Logger.getLogger("io.osprey.plugin.rtmp");
    private static LogCapture installed;

    private final List<String> lines = new CopyOnWriteArrayList<>();
    private volatile long dropped;

    /** The capture on the plugin's loggers, installed once per JVM. */
    static synchronized LogCapture get() {
        if (installed == null) {
            installed = new LogCapture();
            installed.setLevel(Level.ALL);
            PLUGIN.addHandler(installed);
        }
        return installed;
    }

    @Override
    public void publish(LogRecord r) {
        String msg = r.getMessage();
        Object[] p = r.getParameters();
        if (p != null && msg != null) {
            msg = java.text.MessageFormat.format(msg.replace("'", "''"), p);
        }
        synchronized (this) {
            lines.add(msg);
            if (lines.size() > 20_000) {
                lines.subList(0, 10_000).clear();
                dropped += 10_000;
            }
        }
    }

    /** A position in the log: only lines logged after it are searched by the {@code since} methods. */
    synchronized long mark() {
        return dropped + lines.size();
    }

    /** The first logged line that contains every one of {@code parts}, waiting up to {@code timeout}; or null. */
    String await(Duration timeout, String... parts) throws InterruptedException {
        return awaitSince(0, timeout, parts);
    }

    /** Like {@link #await}, among the lines logged after {@code mark}. */
    String awaitSince(long mark, Duration timeout, String... parts) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        do {
            List<String> snapshot;
            synchronized (this) {
                snapshot = List.copyOf(lines.subList((int) Math.max(0, Math.min(lines.size(), mark - dropped)),
                        lines.size()));
            }
            for (String l : snapshot) {
                boolean all = l != null;
                for (String p : parts) {
                    all = all && l.contains(p);
                }
                if (all) {
                    return l;
                }
            }
            Thread.sleep(20);
        } while (System.nanoTime() < deadline);
        return null;
    }

    /**
     * The close reason logged for the connection {@code who} ({@code ip:port}) after {@code mark} (ports are reused
     * over a run, so earlier lines may name the same address), waiting for it.
     */
    String closeReason(long mark, String who, Duration timeout) throws InterruptedException {
        String l = awaitSince(mark, timeout, " " + who + ": clos");
        return l == null ? null : l.substring(l.indexOf(": clos") + 2);
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
    }
}
