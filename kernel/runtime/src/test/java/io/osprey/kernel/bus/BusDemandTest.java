package io.osprey.kernel.bus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.osprey.spi.Registration;
import io.osprey.spi.bus.DemandRequest;
import io.osprey.spi.bus.PublishRequest;
import io.osprey.spi.bus.Publisher;
import io.osprey.spi.bus.StreamKey;
import io.osprey.spi.bus.StreamNotFoundException;
import io.osprey.spi.bus.StreamView;
import io.osprey.spi.bus.SubscribeOptions;
import io.osprey.spi.bus.Subscription;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@link Bus#demand}, {@link Bus#provide} and {@link Bus#watched}: streams started for viewers on any protocol. */
class BusDemandTest {

    private static final StreamKey KEY = new StreamKey("cams", "door");
    private static final Duration WAIT = Duration.ofSeconds(5);
    private final ScheduledExecutorService sched = Executors.newScheduledThreadPool(2);
    private final Bus bus = new Bus(BusSettings.DEFAULT, Runnable::run, sched);

    @AfterEach
    void stop() {
        sched.shutdownNow();
    }

    private static PublishRequest req() {
        return new PublishRequest("test", null, false, null);
    }

    private static Throwable failure(CompletionStage<StreamView> stage) throws Exception {
        try {
            stage.toCompletableFuture().get(5, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            return e.getCause();
        }
        throw new AssertionError("the demand succeeded");
    }

    @Test
    void aLiveStreamIsReturnedAtOnceWithoutAskingProviders() throws Exception {
        AtomicInteger asked = new AtomicInteger();
        bus.provide((k, r) -> {
            asked.incrementAndGet();
            return new CompletableFuture<>();
        });
        Publisher p = bus.publish(KEY, req());
        StreamView s = bus.demand(KEY, DemandRequest.of("hls"), WAIT).toCompletableFuture().getNow(null);
        assertSame(p.stream(), s);
        assertEquals(0, asked.get());
    }

    @Test
    void concurrentDemandsStartTheStreamOnceAndAllProceedWhenItIsPublished() throws Exception {
        AtomicInteger asked = new AtomicInteger();
        bus.provide((k, r) -> {
            asked.incrementAndGet();
            return new CompletableFuture<>();
        });
        CompletionStage<StreamView> a = bus.demand(KEY, DemandRequest.of("http-flv"), WAIT);
        CompletionStage<StreamView> b = bus.demand(KEY, DemandRequest.of("rtmp"), WAIT);
        assertFalse(a.toCompletableFuture().isDone());
        assertEquals(1, asked.get());
        Publisher p = bus.publish(KEY, req());
        assertSame(p.stream(), a.toCompletableFuture().get(5, TimeUnit.SECONDS));
        assertSame(p.stream(), b.toCompletableFuture().get(5, TimeUnit.SECONDS));
        assertEquals(0, bus.demandsPending());
    }

    @Test
    void aProviderThatPublishesSynchronouslyCompletesTheDemand() throws Exception {
        bus.provide((k, r) -> {
            try {
                bus.publish(k, req());
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            return new CompletableFuture<>();
        });
        StreamView s = bus.demand(KEY, DemandRequest.of("ws-flv"), WAIT).toCompletableFuture().get(5, TimeUnit.SECONDS);
        assertEquals(KEY, s.key());
    }

    @Test
    void providersAreAskedInTurnAndTheFirstThatAcceptsWins() throws Exception {
        AtomicInteger second = new AtomicInteger();
        bus.provide((k, r) -> null);
        bus.provide((k, r) -> {
            second.incrementAndGet();
            return CompletableFuture.failedFuture(new IllegalStateException("camera refused: 401"));
        });
        bus.provide((k, r) -> {
            throw new AssertionError("never asked");
        });
        Throwable t = failure(bus.demand(KEY, DemandRequest.of("hls"), WAIT));
        assertInstanceOf(StreamNotFoundException.class, t);
        assertEquals("camera refused: 401", t.getMessage());
        assertEquals(1, second.get());
        assertEquals(0, bus.demandsPending(), "a failed start is forgotten, the next viewer asks again");
    }

    @Test
    void withNoProviderTheDemandFailsAtOnce() throws Exception {
        Throwable t = failure(bus.demand(KEY, DemandRequest.of("hls"), WAIT));
        assertEquals("no live stream cams/door", t.getMessage());
    }

    @Test
    void aViewerStopsWaitingAfterItsWaitButTheStartGoesOn() throws Exception {
        bus.provide((k, r) -> new CompletableFuture<>());
        Throwable t = failure(bus.demand(KEY, DemandRequest.of("hls"), Duration.ofMillis(50)));
        assertTrue(t.getMessage().contains("did not start within 50 ms"), t.getMessage());
        assertEquals(1, bus.demandsPending());
        CompletionStage<StreamView> later = bus.demand(KEY, DemandRequest.of("hls"), WAIT);
        bus.publish(KEY, req());
        assertEquals(KEY, later.toCompletableFuture().get(5, TimeUnit.SECONDS).key());
    }

    @Test
    void aRemovedProviderIsNotAsked() throws Exception {
        Registration r = bus.provide((k, q) -> new CompletableFuture<>());
        r.close();
        assertInstanceOf(StreamNotFoundException.class, failure(bus.demand(KEY, DemandRequest.of("hls"), WAIT)));
    }

    @Test
    void watchedWhileViewersAreAttachedOrDemandsAreRecent() throws Exception {
        assertFalse(bus.watched(KEY, 60_000), "not live");
        bus.publish(KEY, req());
        assertTrue(bus.watched(KEY, 60_000), "just started");
        assertFalse(bus.watched(KEY, 0), "no viewer, no demand within 0 ms");
        Subscription viewer = bus.subscribe(KEY, SubscribeOptions.viewer("http-flv"), s -> { });
        assertTrue(bus.watched(KEY, 0), "a viewer is attached");
        viewer.close();
        Subscription packager = bus.subscribe(KEY, SubscribeOptions.packager("hls"), s -> { });
        assertFalse(bus.watched(KEY, 0), "packagers are not viewers");
        bus.demand(KEY, DemandRequest.of("hls"), WAIT);
        assertTrue(bus.watched(KEY, 60_000), "an HLS playlist request counts as watching");
        packager.close();
    }
}
