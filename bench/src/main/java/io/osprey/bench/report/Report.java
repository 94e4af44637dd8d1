package io.osprey.bench.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The run's output: one markdown table per scenario (a row per server, then a row per peer with Osprey's figure
 * divided by the peer's), the notes, and the same as JSON, written to {@code results/<timestamp>.md|.json}.
 */
public final class Report {

    private final ZonedDateTime when = ZonedDateTime.now(ZoneOffset.UTC);
    private final String command;
    private final String machine = Machine.describe();
    private final List<Result> results = new ArrayList<>();

    public Report(String command) {
        this.command = command;
    }

    public void add(Result r) {
        results.add(r);
    }

    public List<Result> results() {
        return results;
    }

    public String markdown() {
        StringBuilder b = new StringBuilder();
        b.append("### ").append(String.join(", ", scenarios())).append(" — ")
                .append(when.format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'"))).append("\n\n");
        b.append("Machine: ").append(machine).append("  \n");
        b.append("Command: `").append(command).append("`\n\n");
        for (String scenario : scenarios()) {
            List<Result> rows = results.stream().filter(r -> r.scenario().equals(scenario)).toList();
            Set<String> columns = new LinkedHashSet<>();
            rows.forEach(r -> columns.addAll(r.figures().keySet()));
            b.append("**").append(scenario).append("**\n\n| server |");
            columns.forEach(c -> b.append(' ').append(c).append(" |"));
            b.append("\n|---|");
            columns.forEach(c -> b.append("---:|"));
            b.append('\n');
            for (Result r : rows) {
                b.append("| ").append(r.server()).append(" |");
                columns.forEach(c -> b.append(' ').append(format(r.figures().get(c))).append(" |"));
                b.append('\n');
            }
            Result osprey = rows.stream().filter(r -> r.server().equals("osprey") && r.ok()).findFirst().orElse(null);
            if (osprey != null) {
                for (Result peer : rows) {
                    if (peer == osprey || !peer.ok()) {
                        continue;
                    }
                    b.append("| osprey ÷ ").append(peer.server()).append(" |");
                    for (String c : columns) {
                        double a = osprey.number(c);
                        double p = peer.number(c);
                        b.append(' ').append(Double.isNaN(a) || Double.isNaN(p) || p == 0 ? "" :
                                String.format(Locale.ROOT, "%.2f×", a / p)).append(" |");
                    }
                    b.append('\n');
                }
            }
            b.append('\n');
            for (Result r : rows) {
                if (!r.ok()) {
                    b.append("- ").append(r.server()).append(": **").append(r.status()).append("**\n");
                }
                if (!r.describe().isEmpty()) {
                    b.append("- ").append(r.server()).append(": ").append(r.describe()).append('\n');
                }
                for (String n : r.notes()) {
                    b.append("- ").append(r.server()).append(": ").append(n).append('\n');
                }
            }
            b.append('\n');
        }
        return b.toString();
    }

    private List<String> scenarios() {
        return results.stream().map(Result::scenario).distinct().toList();
    }

    static String format(Object v) {
        if (v == null) {
            return "";
        }
        if (v instanceof Double d) {
            if (d.isNaN()) {
                return "n/a";
            }
            if (d == Math.rint(d) && Math.abs(d) < 1e15) {
                return String.format(Locale.ROOT, "%,d", d.longValue());
            }
            return Math.abs(d) >= 100 ? String.format(Locale.ROOT, "%,.0f", d)
                    : Math.abs(d) >= 10 ? String.format(Locale.ROOT, "%.1f", d)
                    : String.format(Locale.ROOT, "%.2f", d);
        }
        if (v instanceof Number n) {
            return String.format(Locale.ROOT, "%,d", n.longValue());
        }
        return v.toString();
    }

    public Map<String, Object> json() {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("date", when.toString());
        root.put("machine", Machine.facts());
        root.put("command", command);
        List<Map<String, Object>> rs = new ArrayList<>();
        for (Result r : results) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("server", r.server());
            m.put("scenario", r.scenario());
            m.put("status", r.status());
            m.put("describe", r.describe());
            Map<String, Object> figures = new LinkedHashMap<>();
            r.figures().forEach((k, v) -> figures.put(k, v instanceof Double d && d.isNaN() ? null : v));
            m.put("figures", figures);
            m.put("notes", r.notes());
            if (!r.series().isEmpty()) {
                m.put("series", r.series());
            }
            rs.add(m);
        }
        root.put("results", rs);
        return root;
    }

    /** Writes {@code <dir>/<timestamp>.md} and {@code .json}; returns the markdown file. */
    public Path write(Path dir) throws IOException {
        Files.createDirectories(dir);
        String stamp = when.format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
        Path md = dir.resolve(stamp + ".md");
        Files.writeString(md, markdown(), StandardCharsets.UTF_8);
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(dir.resolve(stamp + ".json").toFile(),
                json());
        return md;
    }
}
