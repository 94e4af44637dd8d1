package io.osprey.spi.bus;

import io.osprey.spi.Registration;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.function.IntSupplier;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The kernel's media bus: the only way plugins exchange media.
 *
 * <p>A stream exists while a publisher holds it (and for a grace period after the publisher's connection is lost,
 * during which a returning publisher continues the same stream and subscribers stay attached). Each stream keeps
 * a bounded ring of recent frames holding at least the current GOP, so a new subscriber starts with a key frame at
 * once. Publishing never blocks; each subscriber reads at its own pace, and one that falls further behind than its
 * {@link SubscribeOptions} allow is moved forward to the newest key frame (frames dropped), then closed if it keeps
 * falling behind.
 *
 * <p>All methods are thread-safe and non-blocking.
 */
@ProviderType
public interface MediaBus {

    /**
     * Opens {@code key} for publishing.
     *
     * @throws StreamBusyException if another publisher holds the key and the request does not take over (or the
     *                             bus is configured to refuse takeovers)
     */
    Publisher publish(StreamKey key, PublishRequest request) throws StreamBusyException;

    /**
     * Attaches a subscriber to a live stream. The first frames it polls are the current codec configs, then the
     * cached GOP from its key frame, then live frames.
     *
     * @throws StreamNotFoundException if no such stream is live
     */
    Subscription subscribe(StreamKey key, SubscribeOptions options, SubscriptionListener listener)
            throws StreamNotFoundException;

    /**
     * Watches every stream's start and end (packagers, recorders). {@link StreamWatcher#onStreamStarted} is called
     * at once, on the caller's thread, for streams already live. Later callbacks come from the thread that starts or
     * ends the stream (a publisher's connection, the scheduler when a reconnect grace period runs out), one at a
     * time per watcher.
     */
    Registration watch(StreamWatcher watcher);

    /**
     * Finds or starts {@code key} for a viewer. Completes at once with the stream when it is live (or within its
     * reconnect grace period); otherwise asks the registered {@link StreamProvider}s in turn and completes when the
     * first that accepts has published it. Completes exceptionally with a {@link StreamNotFoundException} whose
     * message is the reason when no provider serves the key, the provider gives up, or {@code wait} passes.
     * Concurrent demands for one key start it once.
     *
     * <p>Every call counts as viewer activity on the key (see {@link #watched}): viewers that hold no subscription
     * (an HLS player polling playlists) keep an on-demand stream running by demanding it.
     *
     * <p>Never blocks; the stage may complete on the caller's thread, a publisher's thread or the scheduler.
     *
     * @since 1.2
     */
    CompletionStage<StreamView> demand(StreamKey key, DemandRequest request, Duration wait);

    /**
     * Adds a provider of streams that are not pushed; asked by {@link #demand} in registration order. A plugin's
     * providers are removed when it stops.
     *
     * @since 1.2
     */
    Registration provide(StreamProvider provider);

    /**
     * Whether {@code key} is being watched: it is live and has viewers (subscriptions with {@code viewer=true}),
     * or it was {@link #demand demanded} within the last {@code idleMillis}, or it started less than
     * {@code idleMillis} ago. Providers poll it to stop streams nobody watches.
     *
     * @since 1.2
     */
    boolean watched(StreamKey key, long idleMillis);

    /**
     * The renditions every registered {@link StreamProvider} offers for {@code source} (its
     * {@link StreamProvider#variants}), in registration order; not started, and not necessarily live. An output
     * that lists renditions (the HLS master playlist of {@code live/cam}) learns the ladder here without knowing
     * the plugin that makes it, then demands the keys it lists:
     * <pre>{@code
     * for (StreamKey v : bus.variants(source)) bus.demand(v, DemandRequest.of("hls"), wait);
     * }</pre>
     *
     * @since 1.3
     */
    default List<StreamKey> variants(StreamKey source) {
        return List.of();
    }

    /**
     * Counts viewers that hold no subscription: an output whose clients poll (an HLS player fetching playlists)
     * keeps its own table of recent clients and lends the bus its size. The kernel adds {@code count} to the
     * stream's viewers under {@code protocol} wherever it reports viewers ({@code /api/streams}, the
     * {@code osprey_viewers} metric, the console, cluster totals), summed with the subscriptions that are viewers and
     * with any other count registered for the same key and protocol. {@link StreamView#stats()} itself counts
     * subscriptions only.
     *
     * <p>{@code count} is called on the thread that reports (an admin request, a metrics scrape), never under a lock
     * of the caller's, a few times a second at most: it must be cheap and must not block. Nothing is called per
     * viewer request, so the counting costs the output only what its own table costs. Closing the registration
     * removes the count (do so when the stream ends); a plugin's registrations are closed when it stops.
     *
     * <pre>{@code
     * Registration r = bus.countViewers(key, "hls", () -> sessions.active(System.nanoTime()));
     * ...
     * r.close(); // the stream ended
     * }</pre>
     *
     * @param key      the stream
     * @param protocol the protocol the viewers are counted under ({@code hls})
     * @param count    the current number of such viewers; a negative answer counts as 0
     * @return removes the count
     * @since 1.4
     */
    default Registration countViewers(StreamKey key, String protocol, IntSupplier count) {
        return () -> { };
    }

    /** The live stream {@code key}, if any. */
    Optional<StreamView> stream(StreamKey key);

    /** All live streams (including those in their reconnect grace period), in no particular order. */
    List<StreamView> streams();

    /**
     * Ends a stream now: its publisher is told to disconnect and its subscribers see the end.
     *
     * @return whether the stream existed
     */
    boolean kick(StreamKey key, String reason);
}
