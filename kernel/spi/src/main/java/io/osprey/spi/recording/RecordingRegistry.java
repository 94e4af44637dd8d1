package io.osprey.spi.recording;

import java.util.List;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The kernel's registry of recorders (see the package documentation), reached through
 * {@link io.osprey.spi.PluginContext#recordings()}. Registrations made through a plugin's context are removed when
 * that plugin stops. Thread-safe.
 */
@ProviderType
public interface RecordingRegistry {

    /**
     * Registers {@code recorder}. Call {@link RecorderRegistration#ready()} once whatever the recorder does at start
     * on its files (crash recovery, merging cut sessions) is done: until then, consumers such as the cleaner leave
     * its root alone.
     *
     * @throws IllegalArgumentException if the root is not absolute
     */
    RecorderRegistration register(Recorder recorder);

    /** Every registered recorder now, in registration order. */
    List<Entry> recorders();

    /** A registered recorder. */
    record Entry(String pluginId, Recorder recorder, boolean ready) {
    }

    /** A recorder's registration: closing it removes the recorder. */
    @ProviderType
    interface RecorderRegistration extends io.osprey.spi.Registration {

        /** Says the recorder's start-up work on its files is done. Idempotent. */
        void ready();
    }
}
