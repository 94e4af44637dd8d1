package io.osprey.plugin.transcode;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.osprey.spi.bus.DemandRequest;
import io.osprey.spi.bus.MediaBus;
import io.osprey.spi.bus.PublishRequest;
import io.osprey.spi.bus.Publisher;
import io.osprey.spi.bus.StreamKey;
import io.osprey.spi.bus.StreamView;
import io.osprey.testkit.Await;
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
                "plugins.transcode.idleStopMs=1000", "plugins.transcode.ladders.live=[{name: mid, height: 120,"
                        + " videoKbps: 100}]")) {
            MediaBus bus = server.kernel().bus();
            Publisher a = bus.publish(new StreamKey("live", "a"), new PublishRequest("test", null, false, null));
            Publisher b = bus.publish(new StreamKey("live", "b"), new PublishRequest("test", null, false, null));
            CompletableFuture<StreamView> first = bus.demand(new StreamKey("live", "a_mid"), DemandRequest.of("test"),
                    Duration.ofSeconds(30)).toCompletableFuture();
            Await.until("a's ladder is running", Duration.ofSeconds(20),
                    () -> api(server).contains("\"source\":\"live/a\""));
            Throwable refused = failure(bus.demand(new StreamKey("live", "b_mid"), DemandRequest.of("test"),
                    Duration.ofSeconds(5)).toCompletableFuture());
            assertTrue(refused.getMessage().contains("maxLadders (1) reached"), refused.getMessage());
            assertTrue(bus.stream(new StreamKey("live", "b")).isPresent(), "the source is still served");
            assertTrue(server.get("/api/transcode").body().contains("\"refused\":1"));
            // nobody watches a's renditions: the ladder stops after idleStopMs and b may start
            Throwable stopped = failure(first);
            assertTrue(stopped.getMessage().contains("no viewer"), stopped.getMessage());
            bus.demand(new StreamKey("live", "b_mid"), DemandRequest.of("test"), Duration.ofSeconds(1));
            Await.until("b's ladder is running", Duration.ofSeconds(20),
                    () -> api(server).contains("\"source\":\"live/b\""));
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
            f.get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            return e.getCause();
        }
        throw new AssertionError("the demand succeeded");
    }
}
