package io.osprey.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.prometheus.metrics.expositionformats.ExpositionFormats;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * {@code conf/examples/grafana-dashboard.json} is valid JSON, ready to import (a Prometheus data source input),
 * and every metric it queries exists: {@code osprey_*} names as the kernel and the plugins register them (a
 * counter is exposed with {@code _total}, a gauge as named), JVM and process names as client_java's
 * {@link JvmMetrics} exposes them.
 */
class GrafanaDashboardIT {

    private static final Pattern QUERIED = Pattern.compile("\\b((?:osprey|jvm|process)_[a-z0-9_]+)\\b");
    private static final Pattern COUNTER = Pattern.compile(
            "(?:counter\\(\\s*|Counter\\w*\\.builder\\(\\)\\s*\\.name\\(\\s*)\"(osprey_[a-z0-9_]+)\"");
    private static final Pattern GAUGE = Pattern.compile(
            "(?:gauge\\(\\s*|Gauge\\w*\\.builder\\(\\)\\s*\\.name\\(\\s*)\"(osprey_[a-z0-9_]+)\"");

    @Test
    void theDashboardQueriesOnlyMetricsTheServerExposes() throws Exception {
        Path file = Path.of("src/main/dist/conf/examples/grafana-dashboard.json");
        JsonNode dashboard = BrowserDriver.JSON.readTree(file.toFile()); // throws on invalid JSON
        assertEquals("DS_PROMETHEUS", dashboard.path("__inputs").path(0).path("name").asText());
        List<String> exprs = new ArrayList<>();
        dashboard.findValues("expr").forEach(e -> exprs.add(e.asText()));
        assertTrue(exprs.size() >= 10, "queries: " + exprs);

        Set<String> exposed = exposedNames();
        Set<String> queried = new TreeSet<>();
        for (String e : exprs) {
            for (Matcher m = QUERIED.matcher(e); m.find(); ) {
                queried.add(m.group(1));
            }
        }
        for (String wanted : List.of("osprey_streams", "osprey_viewers", "osprey_bytes_in_total",
                "osprey_bytes_out_total", "osprey_frames_dropped_total", "osprey_plugin_state", "jvm_memory_used_bytes",
                "jvm_buffer_pool_used_bytes")) {
            assertTrue(queried.contains(wanted), "the dashboard shows " + wanted);
        }
        Set<String> unknown = new TreeSet<>(queried);
        unknown.removeAll(exposed);
        assertTrue(unknown.isEmpty(), "queried but not exposed by Osprey: " + unknown);
    }

    /** Every name {@code /metrics} can carry: from the sources of the kernel and plugins, and from JvmMetrics. */
    private static Set<String> exposedNames() throws IOException {
        Set<String> names = new TreeSet<>();
        List<Path> roots = new ArrayList<>(List.of(Path.of("../kernel"), Path.of("../plugins")));
        for (Path root : roots) {
            try (Stream<Path> files = Files.walk(root)) {
                for (Path f : (Iterable<Path>) files.filter(p -> p.toString().endsWith(".java")
                        && p.toString().contains("/src/main/java/"))::iterator) {
                    String src = Files.readString(f);
                    for (Matcher m = COUNTER.matcher(src); m.find(); ) {
                        String n = m.group(1);
                        names.add((n.endsWith("_total") ? n.substring(0, n.length() - 6) : n) + "_total");
                    }
                    for (Matcher m = GAUGE.matcher(src); m.find(); ) {
                        names.add(m.group(1));
                    }
                }
            }
        }
        assertTrue(names.contains("osprey_streams") && names.contains("osprey_bytes_in_total"), names.toString());
        PrometheusRegistry jvm = new PrometheusRegistry();
        JvmMetrics.builder().register(jvm);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ExpositionFormats.init().getPrometheusTextFormatWriter().write(out, jvm.scrape());
        for (String line : out.toString(StandardCharsets.UTF_8).split("\n")) {
            if (line.startsWith("# TYPE ")) {
                String[] f = line.split(" ");
                names.add(f[2]);
                if (f[3].equals("summary") || f[3].equals("histogram")) {
                    names.add(f[2] + "_sum");
                    names.add(f[2] + "_count");
                }
            }
        }
        return names;
    }
}
