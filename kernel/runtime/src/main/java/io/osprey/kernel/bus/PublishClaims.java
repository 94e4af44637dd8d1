package io.osprey.kernel.bus;

import io.osprey.spi.bus.StreamBusyException;
import io.osprey.spi.bus.StreamKey;

/**
 * Cluster-wide ownership of published keys, asked by the {@link Bus} before a publisher (any protocol but
 * {@code relay}) starts a stream that this node does not own yet, and told when that stream ends.
 */
public interface PublishClaims {

    /** One node: the bus's own check is the whole answer. */
    PublishClaims NONE = new PublishClaims() {
        @Override
        public boolean claim(StreamKey key, boolean takeover) {
            return false;
        }

        @Override
        public void release(StreamKey key) {
        }
    };

    /**
     * Claims {@code key} for this node. Blocks for at most one store round trip; answers at once (allowing) when
     * the store is unreachable.
     *
     * @return whether a claim was made that {@link #release} must undo if the publish does not go ahead
     * @throws StreamBusyException if another node owns {@code key} and {@code takeover} is false
     */
    boolean claim(StreamKey key, boolean takeover) throws StreamBusyException;

    /** The stream of {@code key} claimed through {@link #claim} ended (or its publish did not go ahead). */
    void release(StreamKey key);
}
