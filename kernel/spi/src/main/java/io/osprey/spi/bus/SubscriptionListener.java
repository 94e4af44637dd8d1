package io.osprey.spi.bus;

import org.osgi.annotation.versioning.ConsumerType;

/** Told when a subscription that asked for {@link Subscription#demand()} has frames (or its end) to poll. */
@ConsumerType
@FunctionalInterface
public interface SubscriptionListener {

    /**
     * Called from a bus thread, once per {@link Subscription#demand()}. Must not block: poll and start a
     * non-blocking write, or hand off. An exception here closes the subscription and is logged.
     */
    void onReadable(Subscription subscription);
}
