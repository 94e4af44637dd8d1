package io.osprey.plugin.transcode;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.osprey.spi.bus.DemandRequest;
import io.osprey.spi.bus.MediaBus;
import io.osprey.spi.bus.PublishRequest;
import io.osprey.spi.bus.Publisher;
import io.osprey.spi.bus.StreamKey;
import io.osprey.spi.bus.StreamView;
import io.osprey.testkit.TestServer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@code maxLadders}: a ladder over the cap is refused with the reason and its source stays live; an on-demand
 * ladder nobody watches stops after {@code idleStopMs} and frees its place. No media flows (no worker starts before
 * the first frame), so this costs no encoding.
 */
class MaxLaddersTest {

    @Test
    void overTheCapIsRefusedAndAnIdleLadderFreesItsPlace() throws Exception {
        try (TestServer server = TestServer.start("plugins.transcode.maxLadders=1",
                "plugins.transcode.idleStopMs=3000", "plugins.transcode.ladders.live=[{name: mid, height: 120,"
                        + " videoKbps: 100}]")) {
            MediaBus bus = server.kernel().bus();
            Publisher a = bus.publish(new StreamKey("live", "a"), new PublishRequest("test", null, false, null));
            Publisher b = bus.publish(new StreamKey("live", "b"), new PublishRequest("test", null, false, null));
            // the provider starts a's ladder on the demanding thread, so b's demand right after meets the cap
            CompletableFuture<StreamView> first = bus.demand(new StreamKey("live", "a_mid"), DemandRequest.of("test"),
                    Duration.ofSeconds(60)).toCompletableFuture();
            Throwable refused = failure(bus.demand(new StreamKey("live", "b_mid"), DemandRequest.of("test"),
                    Duration.ofSeconds(5)).toCompletableFuture());
            assertTrue(refused.getMessage().contains("maxLadders (1) reached"), refused.getMessage());
            assertTrue(bus.stream(new StreamKey("live", "b")).isPresent(), "the source is still served");
            assertTrue(api(server).contains("\"refused\":1"), api(server));
            // nobody watches a's renditions (no media flows): the ladder stops after idleStopMs ...
            Throwable stopped = failure(first);
            assertTrue(stopped.getMessage().contains("no viewer"), stopped.getMessage());
            // ... and frees its place: b's ladder starts (and, as nothing flows, stops idle in turn)
            Throwable second = failure(bus.demand(new StreamKey("live", "b_mid"), DemandRequest.of("test"),
                    Duration.ofSeconds(60)).toCompletableFuture());
            assertTrue(second.getMessage().contains("ladder of live/b stopped: no viewer"), second.getMessage());
            a.close();
            b.close();
        }
    }

    private static String api(TestServer server) {
        try {
            return server.get("/api/transcode").body();
        } catch (java.io.IOException | InterruptedException e) {
            return "";
        }
    }

    private static Throwable failure(CompletableFuture<StreamView> f) throws Exception {
        try {
            f.get(90, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            return e.getCause();
        }
        throw new AssertionError("the demand succeeded");
    }
}
