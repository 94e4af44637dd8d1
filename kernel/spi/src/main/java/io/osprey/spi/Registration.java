package io.osprey.spi;

/**
 * Something registered with the kernel that can be undone early. Closing twice is harmless. Registrations a
 * plugin does not close are closed by the kernel when the plugin stops.
 */
@FunctionalInterface
public interface Registration extends AutoCloseable {

    /** Undoes the registration; never throws. */
    @Override
    void close();
}
