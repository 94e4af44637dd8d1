package io.osprey.kernel.bus;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.osprey.spi.Registration;
import io.osprey.spi.bus.DemandRequest;
import io.osprey.spi.bus.StreamKey;
import io.osprey.spi.bus.StreamProvider;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@link Bus#variants}: the renditions providers offer for a source, in registration order (spi.bus 1.3). */
class BusVariantsTest {

    private static final StreamKey CAM = new StreamKey("live", "cam");
    private final ScheduledExecutorService sched = Executors.newSingleThreadScheduledExecutor();
    private final Bus bus = new Bus(BusSettings.DEFAULT, Runnable::run, sched);

    @AfterEach
    void stop() {
        sched.shutdownNow();
    }

    private static StreamProvider offering(StreamKey... keys) {
        return new StreamProvider() {
            @Override
            public CompletionStage<?> provide(StreamKey key, DemandRequest request) {
                return null;
            }

            @Override
            public List<StreamKey> variants(StreamKey source) {
                return source.equals(CAM) ? List.of(keys) : List.of();
            }
        };
    }

    @Test
    void providersAreAskedInOrderAndAThrowingOneIsSkipped() {
        StreamKey a = new StreamKey("live", "cam_480p");
        StreamKey b = new StreamKey("live", "cam_360p");
        bus.provide((k, r) -> null); // a provider without renditions: the default answers none
        Registration first = bus.provide(offering(a, b));
        bus.provide(new StreamProvider() {
            @Override
            public CompletionStage<?> provide(StreamKey key, DemandRequest request) {
                return null;
            }

            @Override
            public List<StreamKey> variants(StreamKey source) {
                throw new IllegalStateException("broken");
            }
        });
        assertEquals(List.of(a, b), bus.variants(CAM));
        assertEquals(List.of(), bus.variants(new StreamKey("live", "other")));
        first.close();
        assertEquals(List.of(), bus.variants(CAM));
    }
}
