package io.osprey.spi.bus;

import org.osgi.annotation.versioning.ConsumerType;

/** Told when a subscription that asked for {@link Subscription#demand()} has frames (or its end) to poll. */
@ConsumerType
@FunctionalInterface
public interface SubscriptionListener {

    /**
     * Called once per {@link Subscription#demand()}: from a bus thread, or inline on the publisher's thread (for
     * a stream with only packager subscriptions, or when {@code demand()} finds frames already waiting). Must not
     * block: poll and start a non-blocking write, or hand off. An exception here closes this subscription only and
     * is logged with the stream and protocol; a plugin whose frame callbacks throw 20 times within 60 s is marked
     * failed (and stopped) by the kernel.
     */
    void onReadable(Subscription subscription);
}
