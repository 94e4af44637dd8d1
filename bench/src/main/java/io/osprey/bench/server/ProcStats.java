package io.osprey.bench.server;

import java.util.Arrays;
import java.nio.charset.StandardCharsets;
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

    public static Sample sample(List<Long> pids) {
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

    /**
     * CPU seconds (user + system) of a process tree including what each process's reaped children used (stat
     * fields 16 and 17, cutime and cstime): a server's short-lived children (ffmpeg per download) count once they
     * end, and the live ones count through the tree.
     */
    public static double cpuWithReaped(long pid) {
        double cpu = 0;
        for (long p : tree(pid)) {
            cpu += fields(p, 11, 12, 13, 14);
        }
        return cpu;
    }

    /**
     * CPU seconds (user + system) of the threads of {@code pid} (and its descendants) whose name starts with one of
     * {@code prefixes} ({@code /proc/PID/task/TID/comm}): e.g. a JVM's JIT compiler threads, {@code C1 CompilerThre}
     * and {@code C2 CompilerThre}. 0 for a process with no such threads.
     */
    public static double threadCpu(long pid, String... prefixes) {
        double cpu = 0;
        for (long p : tree(pid)) {
            try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc", Long.toString(p), "task"))) {
                for (Path task : tasks) {
                    String comm;
                    try {
                        comm = Files.readString(task.resolve("comm")).strip();
                    } catch (IOException e) {
                        continue; // the thread ended
                    }
                    for (String prefix : prefixes) {
                        if (comm.startsWith(prefix)) {
                            cpu += taskFields(task, 11, 12);
                            break;
                        }
                    }
                }
            } catch (IOException | RuntimeException e) {
                // the process ended
            }
        }
        return cpu;
    }

    private static double taskFields(Path task, int... idx) {
        try {
            String stat = Files.readString(task.resolve("stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            long ticks = 0;
            for (int i : idx) {
                ticks += Long.parseLong(f[i]);
            }
            return ticks / TICKS_PER_SECOND;
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    /** CPU seconds of one process alone (utime + stime), without its children. */
    public static double cpuOwn(long pid) {
        return fields(pid, 11, 12);
    }

    /** CPU seconds of the children this (bench) process has reaped so far (its cutime + cstime). */
    public static double selfReapedChildren() {
        return fields(ProcessHandle.current().pid(), 13, 14);
    }

    /** The sum of the given fields of /proc/PID/stat (0 is field 3, state), in seconds; 0 if the process is gone. */
    private static double fields(long pid, int... idx) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            long ticks = 0;
            for (int i : idx) {
                ticks += Long.parseLong(f[i]);
            }
            return ticks / TICKS_PER_SECOND;
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    /** The process and every descendant, from the ppid field of each /proc/N/stat. */
    public static List<Long> tree(long root) {
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

    /** Waits until {@code pid} has no child left (every one reaped, so its CPU is in the parent's cutime). */
    public static void awaitNoChildren(long pid, long timeoutMs) throws InterruptedException, IOException {
        long deadline = System.nanoTime() + timeoutMs * 1_000_000;
        while (tree(pid).size() > 1) {
            if (System.nanoTime() > deadline) {
                throw new IOException("process " + pid + " still has children after " + timeoutMs + " ms");
            }
            Thread.sleep(20);
        }
    }

    /** Percent of one core used between two samples. */
    public static double cpuPercent(Sample a, Sample b) {
        double seconds = (b.nanos() - a.nanos()) / 1e9;
        return seconds <= 0 ? 0 : 100.0 * (b.cpuSeconds() - a.cpuSeconds()) / seconds;
    }

    /** A process's command line, argument by argument ({@code /proc/PID/cmdline}). */
    public static List<String> cmdline(long pid) throws IOException {
        byte[] b = Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline"));
        return Arrays.asList(new String(b, StandardCharsets.UTF_8).split("\0"));
    }

    /** One variable of a process's environment ({@code /proc/PID/environ}), or "" when unset or not readable. */
    public static String environ(long pid, String name) {
        try {
            byte[] b = Files.readAllBytes(Path.of("/proc", Long.toString(pid), "environ"));
            for (String kv : new String(b, StandardCharsets.UTF_8).split("\0")) {
                if (kv.startsWith(name + "=")) {
                    return kv.substring(name.length() + 1);
                }
            }
        } catch (IOException e) {
            // not readable: treated as unset
        }
        return "";
    }
}
