package io.osprey.bench.scenario;

import io.osprey.bench.server.Which;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Runs Debian's {@code wrk} and reads its summary (requests/s, transfer/s, latency percentiles, errors). */
public final class Wrk {

    public static final String INSTALL = "apt-get install -y wrk";

    /**
     * What wrk reported. Latencies in ms, throughput in bytes/s; {@code cpuSeconds} is wrk's own CPU (user + system)
     * over the run, read from this process's reaped children (0 from {@link #parse}), to tell whether the load
     * generator, which shares the cores, was the bottleneck.
     */
    public record Figures(double requestsPerSecond, double bytesPerSecond, double p50Ms, double p99Ms,
                          long requests, long non2xx, long socketErrors, double cpuSeconds) {

        /** wrk's CPU in percent of one core over {@code seconds}. */
        public double cpuPercent(double seconds) {
            return seconds <= 0 ? 0 : 100 * cpuSeconds / seconds;
        }
    }

    private Wrk() {
    }

    public static boolean available() {
        return Which.find("wrk") != null;
    }

    public static Figures run(String url, int threads, int connections, double seconds) throws IOException,
            InterruptedException {
        double before = io.osprey.bench.server.ProcStats.selfReapedChildren();
        Process p = new ProcessBuilder("wrk", "-t" + threads, "-c" + connections, "-d" + Math.max(1,
                Math.round(seconds)) + "s", "--latency", url).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(Math.round(seconds) + 30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("wrk did not finish");
        }
        if (p.exitValue() != 0) {
            throw new IOException("wrk failed: " + out.strip());
        }
        Figures f = parse(out);
        // waitFor reaped wrk: its CPU is now in this process's cutime + cstime (nothing else is reaped meanwhile)
        double cpu = Math.max(0, io.osprey.bench.server.ProcStats.selfReapedChildren() - before);
        return new Figures(f.requestsPerSecond(), f.bytesPerSecond(), f.p50Ms(), f.p99Ms(), f.requests(), f.non2xx(),
                f.socketErrors(), cpu);
    }

    static Figures parse(String out) throws IOException {
        double rps = number(out, "Requests/sec:\\s+([0-9.]+)");
        double bps = bytes(find(out, "Transfer/sec:\\s+([0-9.]+[KMGT]?B)"));
        double p50 = ms(find(out, "\\n\\s+50%\\s+([0-9.]+[a-z]+)"));
        double p99 = ms(find(out, "\\n\\s+99%\\s+([0-9.]+[a-z]+)"));
        long requests = (long) number(out, "\\n\\s+([0-9]+) requests in");
        String non2xx = findOrNull(out, "Non-2xx or 3xx responses:\\s+([0-9]+)");
        Matcher m = Pattern.compile("Socket errors: connect (\\d+), read (\\d+), write (\\d+), timeout (\\d+)")
                .matcher(out);
        long errors = 0;
        if (m.find()) {
            for (int i = 1; i <= 4; i++) {
                errors += Long.parseLong(m.group(i));
            }
        }
        return new Figures(rps, bps, p50, p99, requests, non2xx == null ? 0 : Long.parseLong(non2xx), errors,
                0);
    }

    private static String find(String out, String regex) throws IOException {
        String v = findOrNull(out, regex);
        if (v == null) {
            throw new IOException("unexpected wrk output (no match for " + regex + "):\n" + out);
        }
        return v;
    }

    private static String findOrNull(String out, String regex) {
        Matcher m = Pattern.compile(regex).matcher(out);
        return m.find() ? m.group(1) : null;
    }

    private static double number(String out, String regex) throws IOException {
        return Double.parseDouble(find(out, regex));
    }

    /** wrk prints 2.49GB, 812.34KB, 100B (binary units). */
    static double bytes(String v) {
        String u = v.replaceAll("[0-9.]", "").toUpperCase(Locale.ROOT);
        double n = Double.parseDouble(v.replaceAll("[^0-9.]", ""));
        return n * switch (u) {
            case "KB" -> 1024.0;
            case "MB" -> 1024.0 * 1024;
            case "GB" -> 1024.0 * 1024 * 1024;
            case "TB" -> 1024.0 * 1024 * 1024 * 1024;
            default -> 1.0;
        };
    }

    /** wrk prints 512.00us, 1.23ms, 2.00s, 1.00m. */
    static double ms(String v) {
        double n = Double.parseDouble(v.replaceAll("[^0-9.]", ""));
        String u = v.replaceAll("[0-9.]", "");
        return switch (u) {
            case "us" -> n / 1000;
            case "ms" -> n;
            case "s" -> n * 1000;
            case "m" -> n * 60_000;
            case "h" -> n * 3_600_000;
            default -> n;
        };
    }
}
