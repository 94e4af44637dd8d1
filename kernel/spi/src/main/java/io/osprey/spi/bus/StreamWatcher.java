package io.osprey.spi.bus;

import org.osgi.annotation.versioning.ConsumerType;

/** Told when any stream starts or ends; packagers and recorders subscribe from {@link #onStreamStarted}. */
@ConsumerType
public interface StreamWatcher {

    /** A stream started (or was already live when the watcher registered). Must not block. */
    default void onStreamStarted(StreamView stream) {
    }

    /** A stream ended for good (after any reconnect grace period). Must not block. */
    default void onStreamEnded(StreamView stream) {
    }
}
