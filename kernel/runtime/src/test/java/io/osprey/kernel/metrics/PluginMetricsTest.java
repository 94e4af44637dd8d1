package io.osprey.kernel.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.osprey.spi.metrics.Counter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import org.junit.jupiter.api.Test;

class PluginMetricsTest {

    private static double value(PrometheusRegistry r, String name, String label) {
        for (var s : r.scrape()) {
            if (s instanceof CounterSnapshot c && c.getMetadata().getName().equals(name)) {
                for (CounterSnapshot.CounterDataPointSnapshot p : c.getDataPoints()) {
                    if (p.getLabels().equals(Labels.of("protocol", label))) {
                        return p.getValue();
                    }
                }
            }
        }
        return Double.NaN;
    }

    @Test
    void aKeptLabelledChildCountsIntoItsSeries() {
        PrometheusRegistry registry = new PrometheusRegistry();
        Counter writes = new PluginMetrics(registry, r -> { }).counter("osprey_test_writes_total", "writes", "protocol");
        Counter http = writes.labels("http");
        for (int i = 0; i < 5; i++) {
            http.inc(2);
        }
        writes.labels("ws").inc();
        http.labels("ws").inc(); // a child's labels() names a sibling series
        assertEquals(10, value(registry, "osprey_test_writes", "http"));
        assertEquals(2, value(registry, "osprey_test_writes", "ws"));
        assertThrows(IllegalArgumentException.class, () -> writes.labels("a", "b"), "wrong label count fails at once");
    }
}
