package io.osprey.bench.server;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * CPU time and resident memory of a server process and all its descendants (nginx's workers, for instance), read
 * from /proc: {@code stat} fields 14 and 15 (utime, stime, in clock ticks) and {@code status} VmRSS.
 */
public final class ProcStats {

    /** USER_HZ; 100 on every Linux this runs on (getconf CLK_TCK). */
    public static final double TICKS_PER_SECOND = 100.0;

    /** A sample: CPU seconds so far (user + system) and resident bytes now, summed over the process tree. */
    public record Sample(long nanos, double cpuSeconds, long rssBytes) {
    }

    private ProcStats() {
    }

    public static Sample sample(long pid) {
        return sample(tree(pid));
    }

    /** Several processes (and not their descendants), summed. */
    public static Sample sampleAll(List<Long> pids) {
        return sample(pids);
    }

    /** The descendants of {@code pid} that run an executable named ffmpeg. */
    public static List<Long> children(long pid) {
        List<Long> out = new ArrayList<>();
        ProcessHandle.of(pid).ifPresent(h -> h.descendants().filter(c -> c.info().command().map(
                x -> x.endsWith("/ffmpeg")).orElse(false)).forEach(c -> out.add(c.pid())));
        return out;
    }

    /** This (bench) process alone, without its children (the servers). */
    public static Sample self() {
        return sample(java.util.List.of(ProcessHandle.current().pid()));
    }

    private static Sample sample(List<Long> pids) {
        long now = System.nanoTime();
        double cpu = 0;
        long rss = 0;
        for (long p : pids) {
            try {
                String stat = Files.readString(Path.of("/proc", Long.toString(p), "stat"));
                String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                // after "pid (comm) ": f[0] is field 3 (state), so utime (14) is f[11] and stime (15) f[12]
                cpu += (Long.parseLong(f[11]) + Long.parseLong(f[12])) / TICKS_PER_SECOND;
                for (String line : Files.readAllLines(Path.of("/proc", Long.toString(p), "status"))) {
                    if (line.startsWith("VmRSS:")) {
                        rss += Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                    }
                }
            } catch (IOException | RuntimeException e) {
                // the process went away between listing and reading
            }
        }
        return new Sample(now, cpu, rss);
    }

    /** The process and every descendant, from the ppid field of each /proc/N/stat. */
    static List<Long> tree(long root) {
        Map<Long, List<Long>> children = new HashMap<>();
        try (DirectoryStream<Path> dir = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
            for (Path d : dir) {
                try {
                    String stat = Files.readString(d.resolve("stat"));
                    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    long ppid = Long.parseLong(f[1]);
                    children.computeIfAbsent(ppid, k -> new ArrayList<>()).add(Long.parseLong(d.getFileName()
                            .toString()));
                } catch (IOException | RuntimeException e) {
                    // gone
                }
            }
        } catch (IOException e) {
            return List.of(root);
        }
        List<Long> out = new ArrayList<>();
        out.add(root);
        for (int i = 0; i < out.size(); i++) {
            out.addAll(children.getOrDefault(out.get(i), List.of()));
        }
        return out;
    }

    /** Percent of one core used between two samples. */
    public static double cpuPercent(Sample a, Sample b) {
        double seconds = (b.nanos() - a.nanos()) / 1e9;
        return seconds <= 0 ? 0 : 100.0 * (b.cpuSeconds() - a.cpuSeconds()) / seconds;
    }
}
