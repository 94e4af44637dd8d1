package io.osprey.bench.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** What the run happened on: CPU model and count, memory, kernel, OS, JDK. */
public final class Machine {

    private Machine() {
    }

    public static Map<String, Object> facts() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("cpu", cpuModel());
        m.put("cores", Runtime.getRuntime().availableProcessors());
        m.put("memoryGiB", Math.round(memKb() / 1024.0 / 1024.0 * 10) / 10.0);
        m.put("os", osName());
        m.put("kernel", System.getProperty("os.version"));
        m.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
        m.put("loadavg", loadAverage());
        return m;
    }

    public static String describe() {
        Map<String, Object> f = facts();
        return f.get("cores") + " cores " + f.get("cpu") + ", " + f.get("memoryGiB") + " GiB, " + f.get("os")
                + ", Linux " + f.get("kernel") + ", " + f.get("java") + "; load average " + f.get("loadavg")
                + " (other processes share the cores)";
    }

    /** The 1, 5 and 15 minute load averages, to show how busy the machine was with other work. */
    public static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException | RuntimeException e) {
            return "?";
        }
    }

    private static String cpuModel() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    return line.substring(line.indexOf(':') + 1).trim();
                }
            }
        } catch (IOException e) {
            // not Linux
        }
        return System.getProperty("os.arch");
    }

    private static long memKb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemTotal:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux
        }
        return 0;
    }

    private static String osName() {
        try {
            for (String line : Files.readAllLines(Path.of("/etc/os-release"))) {
                if (line.startsWith("PRETTY_NAME=")) {
                    return line.substring(12).replace("\"", "");
                }
            }
        } catch (IOException e) {
            // not Linux
        }
        return System.getProperty("os.name");
    }
}
