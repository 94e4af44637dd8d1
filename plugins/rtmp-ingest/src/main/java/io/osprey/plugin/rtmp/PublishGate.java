package io.osprey.plugin.rtmp;

import io.osprey.spi.PluginContext;
import io.osprey.spi.access.AccessRequest;
import io.osprey.spi.access.Action;
import io.osprey.spi.bus.PublishRequest;
import io.osprey.spi.bus.Publisher;
import io.osprey.spi.bus.StreamBusyException;
import io.osprey.spi.bus.StreamKey;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

/**
 * The one way a stream is opened for publishing, for RTMP, RTMPS and HTTP-FLV push alike: the kernel's access hook,
 * then the bus with the configured busy policy ({@code reject}: a live key refuses a second publisher;
 * {@code takeover}: the newcomer replaces it). A publisher returning within the bus's grace period continues its
 * stream either way (the bus decides that).
 */
final class PublishGate {

    /** Why a publish was refused. */
    enum Refusal {
        DENIED, BUSY, UNAVAILABLE
    }

    /** Either a publisher, or a refusal with a reason that is safe to show the client. */
    record Outcome(Publisher publisher, Refusal refusal, String reason) {
        boolean granted() {
            return publisher != null;
        }
    }

    private final PluginContext ctx;
    private volatile boolean takeover;

    PublishGate(PluginContext ctx, RtmpConfig config) {
        this.ctx = ctx;
        policy(config);
    }

    /** Applies {@code busyPolicy} to the next publish. */
    void policy(RtmpConfig config) {
        this.takeover = config.busyPolicy.equals("takeover");
    }

    /**
     * Asks the access hook, then opens {@code key}. Completes on the hook's thread; never exceptionally.
     *
     * @param onEvict called when the bus evicts the publisher (kick, takeover, shutdown): close the connection
     */
    CompletionStage<Outcome> open(StreamKey key, String protocol, InetSocketAddress remote, Map<String, String> params,
                                  Consumer<String> onEvict) {
        CompletionStage<io.osprey.spi.access.AccessDecision> check;
        try {
            check = ctx.access().check(new AccessRequest(Action.PUBLISH, key, protocol, remote, params));
        } catch (RuntimeException e) {
            return CompletableFuture.completedFuture(new Outcome(null, Refusal.DENIED, "access check failed"));
        }
        return check.handle((d, t) -> {
            if (t != null || !d.allowed()) {
                return new Outcome(null, Refusal.DENIED, t != null ? "access check failed" : d.reason());
            }
            try {
                return new Outcome(ctx.bus().publish(key, new PublishRequest(protocol, remote, takeover, onEvict)),
                        null, "");
            } catch (StreamBusyException e) {
                return new Outcome(null, Refusal.BUSY, "stream " + key + " is already being published");
            } catch (IllegalStateException e) {
                return new Outcome(null, Refusal.UNAVAILABLE, "not available: " + e.getMessage());
            }
        });
    }
}
