package io.osprey.spi.bus;

import org.osgi.annotation.versioning.ConsumerType;

/** Told when a subscription that asked for {@link Subscription#demand()} has frames (or its end) to poll. */
@ConsumerType
@FunctionalInterface
public interface SubscriptionListener {

    /**
     * Called once per {@link Subscription#demand()}, never concurrently with itself for one subscription. Which
     * thread: the publisher's own, inside its {@code push}, for a stream that only a few packager subscriptions
     * (not viewers) read; otherwise a bus thread. A {@code demand()} made from inside this call while frames are
     * already waiting is answered by calling again on the same thread (a few times, then from a bus thread); when
     * the stream ends, the thread that ended it makes the last call. Must not block: poll and start a
     * non-blocking write, or hand off. An exception here closes this subscription only and
     * is logged with the stream and protocol; a plugin whose frame callbacks throw 20 times within 60 s is marked
     * failed (and stopped) by the kernel.
     */
    void onReadable(Subscription subscription);
}
