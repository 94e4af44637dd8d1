package io.osprey.spi.metrics;

import io.osprey.spi.Registration;
import java.util.function.DoubleSupplier;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Prometheus metrics for a plugin. Names must match {@code [a-z_][a-z0-9_]*}; the kernel prefixes nothing, so use
 * {@code osprey_<plugin>_...}. Counter names end in {@code _total} (added if missing). Everything is unregistered
 * when the plugin stops.
 */
@ProviderType
public interface Metrics {

    /** A counter, optionally with labels (then use {@link Counter#labels}). */
    Counter counter(String name, String help, String... labelNames);

    /** A gauge, optionally with labels. */
    Gauge gauge(String name, String help, String... labelNames);

    /** A gauge read from {@code value} at each scrape. */
    Registration gauge(String name, String help, DoubleSupplier value);
}
