package io.osprey.kernel.http;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * How many client connections the process can hold: its file-descriptor limit ({@code RLIMIT_NOFILE}) less the
 * descriptors kept back for everything else (jars, recordings, config, logs, selectors, the OSGi cache). Past
 * the cap new connections are refused at accept, so the process never runs out of descriptors: an
 * {@code EMFILE} would fail accepts and every file the server opens, recordings included.
 */
public final class FdBudget {

    /** Kept back when {@code server.connections.reservedFds} is 0: a tenth of the limit, within these bounds. */
    static final int MIN_RESERVE = 256;
    static final int MAX_RESERVE = 4096;

    private FdBudget() {
    }

    /**
     * The connection cap.
     *
     * @param fdLimit    the process's descriptor limit, or a value &lt;= 0 when unknown
     * @param reserved   descriptors kept back, or 0 for the default (a tenth of the limit, 256..4096)
     * @param configured the configured cap, or 0 for automatic
     * @return the cap: {@code configured} if set (but never above what the limit allows), else the limit less the
     *         reserve; {@link Integer#MAX_VALUE} when the limit is unknown and nothing is configured
     */
    public static int cap(long fdLimit, int reserved, int configured) {
        if (fdLimit <= 0) {
            return configured > 0 ? configured : Integer.MAX_VALUE;
        }
        long reserve = reserved > 0 ? reserved : defaultReserve(fdLimit);
        long room = Math.max(fdLimit - reserve, Math.min(fdLimit / 2, 64)); // a tiny limit still serves someone
        long cap = configured > 0 ? Math.min(configured, room) : room;
        return (int) Math.min(cap, Integer.MAX_VALUE);
    }

    /**
     * Why the limit is too low for the configured cap, with the fix, or {@code null} when it is not: the cap a
     * user set in {@code server.connections.max} would silently shrink to what the descriptors allow.
     */
    public static String shortfall(long fdLimit, int reserved, int configured) {
        int cap = cap(fdLimit, reserved, configured);
        if (configured <= 0 || cap >= configured) {
            return null;
        }
        return "server.connections.max is " + configured + " but the open-file limit " + fdLimit + " allows only "
                + cap + " connections: raise the limit (systemd LimitNOFILE=, or nofile in"
                + " /etc/security/limits.conf; see docs/service.md)";
    }

    static long defaultReserve(long fdLimit) {
        return Math.max(MIN_RESERVE, Math.min(MAX_RESERVE, fdLimit / 10));
    }

    /** The process's descriptor limit (the soft {@code RLIMIT_NOFILE}, which the JVM raises to the hard one). */
    public static long processLimit() {
        OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.UnixOperatingSystemMXBean unix) {
            long max = unix.getMaxFileDescriptorCount();
            if (max > 0) {
                return max;
            }
        }
        return fromProcLimits(Path.of("/proc/self/limits"));
    }

    /** Descriptors the process has open now, or -1 if unknown. */
    public static long openNow() {
        OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        return os instanceof com.sun.management.UnixOperatingSystemMXBean unix ? unix.getOpenFileDescriptorCount() : -1;
    }

    /** {@code Max open files  <soft>  <hard>  files} from a {@code /proc/<pid>/limits} file; -1 if unreadable. */
    static long fromProcLimits(Path limits) {
        try {
            for (String line : Files.readAllLines(limits)) {
                if (line.startsWith("Max open files")) {
                    String[] f = line.substring("Max open files".length()).trim().split("\\s+");
                    return f[0].equals("unlimited") ? Long.MAX_VALUE : Long.parseLong(f[0]);
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }
}
