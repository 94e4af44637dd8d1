package io.osprey.spi.metrics;

import org.osgi.annotation.versioning.ProviderType;

/** A monotonically increasing count. Thread-safe. */
@ProviderType
public interface Counter {

    void inc(double amount);

    default void inc() {
        inc(1);
    }

    /** The child for these label values (one per label name, in order). */
    Counter labels(String... values);
}
