package io.osprey.kernel.metrics;

import io.osprey.spi.Registration;
import io.osprey.spi.metrics.Counter;
import io.osprey.spi.metrics.Gauge;
import io.osprey.spi.metrics.Metrics;
import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.Collector;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.function.Consumer;
import java.util.function.DoubleSupplier;
import java.util.regex.Pattern;

/** The SPI {@link Metrics} over a Prometheus registry; every collector made here is handed to {@code track}. */
public final class PluginMetrics implements Metrics {

    private static final Pattern NAME = Pattern.compile("[a-z_][a-z0-9_]*");

    private final PrometheusRegistry registry;
    private final Consumer<Registration> track;

    /**
     * @param track receives an unregistration for each collector, to run when the owner stops
     */
    public PluginMetrics(PrometheusRegistry registry, Consumer<Registration> track) {
        this.registry = registry;
        this.track = track;
    }

    // no exemplars: Osprey has no traces to link, and the sampler costs on every hot-path increment
    @Override
    public Counter counter(String name, String help, String... labelNames) {
        String n = checkName(name.endsWith("_total") ? name.substring(0, name.length() - 6) : name);
        io.prometheus.metrics.core.metrics.Counter c = io.prometheus.metrics.core.metrics.Counter.builder()
                .name(n).help(help).labelNames(labelNames).withoutExemplars().build();
        register(c);
        return new CounterImpl(c, new String[0]);
    }

    @Override
    public Gauge gauge(String name, String help, String... labelNames) {
        io.prometheus.metrics.core.metrics.Gauge g = io.prometheus.metrics.core.metrics.Gauge.builder()
                .name(checkName(name)).help(help).labelNames(labelNames).withoutExemplars().build();
        register(g);
        return new GaugeImpl(g, new String[0]);
    }

    @Override
    public Registration gauge(String name, String help, DoubleSupplier value) {
        GaugeWithCallback g = GaugeWithCallback.builder().name(checkName(name)).help(help)
                .callback(cb -> cb.call(value.getAsDouble())).build();
        return register(g);
    }

    private Registration register(Collector c) {
        registry.register(c);
        Registration r = () -> registry.unregister(c);
        track.accept(r);
        return r;
    }

    private static String checkName(String name) {
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("metric name must match [a-z_][a-z0-9_]*: " + name);
        }
        return name;
    }

    private record CounterImpl(io.prometheus.metrics.core.metrics.Counter c, String[] labels) implements Counter {
        @Override
        public void inc(double amount) {
            if (labels.length == 0) {
                c.inc(amount);
            } else {
                c.labelValues(labels).inc(amount);
            }
        }

        /** The child is looked up once here, so a plugin that keeps it counts without a label lookup per call. */
        @Override
        public Counter labels(String... values) {
            return new LabeledCounter(c.labelValues(values.clone()), this);
        }
    }

    private record LabeledCounter(CounterDataPoint point, CounterImpl parent) implements Counter {
        @Override
        public void inc(double amount) {
            point.inc(amount);
        }

        @Override
        public Counter labels(String... values) {
            return parent.labels(values);
        }
    }

    private record GaugeImpl(io.prometheus.metrics.core.metrics.Gauge g, String[] labels) implements Gauge {
        @Override
        public void set(double value) {
            if (labels.length == 0) {
                g.set(value);
            } else {
                g.labelValues(labels).set(value);
            }
        }

        @Override
        public void inc(double amount) {
            if (labels.length == 0) {
                g.inc(amount);
            } else {
                g.labelValues(labels).inc(amount);
            }
        }

        @Override
        public Gauge labels(String... values) {
            return new GaugeImpl(g, values.clone());
        }
    }
}
