package io.osprey.kernel;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.logging.ConsoleHandler;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/** One-line log records on stderr through java.util.logging, which System.Logger and SLF4J (Jetty) both reach. */
public final class LogSetup {

    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS").withZone(ZoneId.systemDefault());

    private LogSetup() {
    }

    /** Installs the format unless {@code java.util.logging.config.file} says otherwise. Idempotent. */
    public static void init() {
        if (System.getProperty("java.util.logging.config.file") != null) {
            return;
        }
        Logger root = Logger.getLogger("");
        for (Handler h : root.getHandlers()) {
            if (h.getFormatter() instanceof OneLine) {
                return;
            }
            root.removeHandler(h);
        }
        ConsoleHandler h = new ConsoleHandler();
        h.setFormatter(new OneLine());
        h.setLevel(Level.ALL);
        root.addHandler(h);
        root.setLevel(Level.INFO);
        Logger.getLogger("org.eclipse.jetty").setLevel(Level.WARNING);
    }

    /** {@code time LEVEL [thread] logger: message}. */
    static final class OneLine extends Formatter {
        @Override
        public String format(LogRecord r) {
            StringBuilder b = new StringBuilder(160);
            b.append(TIME.format(Instant.ofEpochMilli(r.getMillis()))).append(' ');
            String level = r.getLevel() == Level.SEVERE ? "ERROR" : r.getLevel() == Level.WARNING ? "WARN"
                    : r.getLevel().getName();
            b.append(String.format("%-5s", level)).append(' ');
            b.append('[').append(Thread.currentThread().getName()).append("] ");
            String name = r.getLoggerName() == null ? "" : r.getLoggerName();
            b.append(name.substring(name.lastIndexOf('.') + 1)).append(": ");
            b.append(formatMessage(r)).append(System.lineSeparator());
            if (r.getThrown() != null) {
                StringWriter sw = new StringWriter();
                r.getThrown().printStackTrace(new PrintWriter(sw));
                b.append(sw);
            }
            return b.toString();
        }
    }
}
