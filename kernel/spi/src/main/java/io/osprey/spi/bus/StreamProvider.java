package io.osprey.spi.bus;

import java.util.concurrent.CompletionStage;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * Starts streams that nobody pushes: pulled cameras and files, edge relays of another node's stream, transcoded
 * renditions. Registered with {@link MediaBus#provide}; asked by {@link MediaBus#demand} when a viewer — on any
 * protocol — wants a stream that is not live.
 *
 * <p>A provider that accepts a key starts it by publishing that key on the bus (from any thread, later); the bus
 * completes every viewer's demand when the stream starts. The provider owns the stream's lifetime from then on,
 * and stops it when nobody watches it any more, which it learns by polling {@link MediaBus#watched}:
 * <pre>{@code
 * bus.provide((key, request) -> {
 *     Source s = sources.get(key);
 *     return s == null ? null : s.start();    // publishes key when the camera answers
 * });
 * scheduler.scheduleWithFixedDelay(() -> sources.forEach(s -> {
 *     if (s.running() && !bus.watched(s.key(), idleStopMs)) s.stop();
 * }), 1, 1, TimeUnit.SECONDS);
 * }</pre>
 */
@ConsumerType
public interface StreamProvider {

    /**
     * A viewer asked for {@code key}, which is not live. Called on the viewer's thread, at most once per key while
     * an earlier demand for it is still waiting: must not block.
     *
     * @return {@code null} if this provider does not serve {@code key} (the next provider is asked); otherwise a
     *         stage the provider completes exceptionally when the start fails before the stream is published —
     *         its message is the reason the waiting viewers are given. Normal completion is ignored.
     */
    CompletionStage<?> provide(StreamKey key, DemandRequest request);

    /**
     * The keys this provider can start as renditions of the live (or demanded) stream {@code source}, best first
     * ({@code live/cam_480p}, {@code live/cam_360p} for a transcoder's ladder of {@code live/cam}); empty if none.
     * Asked through {@link MediaBus#variants} by outputs that offer a choice of renditions (an HLS master
     * playlist), which then {@link MediaBus#demand} the keys they list. Called on the viewer's thread: must not
     * block and must not start anything.
     *
     * @since 1.3
     */
    default java.util.List<StreamKey> variants(StreamKey source) {
        return java.util.List.of();
    }
}
