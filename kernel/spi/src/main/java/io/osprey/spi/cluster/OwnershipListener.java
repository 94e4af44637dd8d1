package io.osprey.spi.cluster;

import io.osprey.spi.bus.StreamKey;
import java.util.Optional;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * Told when a stream's owner changes anywhere in the cluster. Called on a kernel thread, one event at a time;
 * must not block. A listener that throws is logged and keeps receiving.
 */
@ConsumerType
@FunctionalInterface
public interface OwnershipListener {

    /**
     * @param key   the stream
     * @param owner its new owner, or empty when it was released
     */
    void ownerChanged(StreamKey key, Optional<StreamOwner> owner);
}
