package io.osprey.spi.metrics;

import org.osgi.annotation.versioning.ProviderType;

/** A value that goes up and down. Thread-safe. */
@ProviderType
public interface Gauge {

    void set(double value);

    void inc(double amount);

    default void inc() {
        inc(1);
    }

    default void dec() {
        inc(-1);
    }

    /** The child for these label values (one per label name, in order). */
    Gauge labels(String... values);
}
