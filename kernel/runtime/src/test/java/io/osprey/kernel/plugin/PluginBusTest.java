package io.osprey.kernel.plugin;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.osprey.kernel.bus.Bus;
import io.osprey.kernel.bus.BusSettings;
import io.osprey.spi.Registration;
import io.osprey.spi.bus.StreamKey;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What a plugin registers per stream through its bus is forgotten when the plugin closes it, not only at stop. */
class PluginBusTest {

    private final ScheduledExecutorService sched = Executors.newScheduledThreadPool(1);

    @AfterEach
    void stop() {
        sched.shutdownNow();
    }

    @Test
    void perStreamRegistrationsDoNotPileUpInThePluginsResources() {
        Bus bus = new Bus(new BusSettings(4096, 32L << 20, 0, 5_000), Runnable::run, sched);
        KernelServices k = new KernelServices(bus, null, null, new PrometheusRegistry(), null, sched, null, null,
                null, null, null, null, null);
        PluginContextImpl ctx = new PluginContextImpl("hls", k, null, (c, reason, t) -> { });
        int base = ctx.resources().size();
        for (int i = 0; i < 50; i++) { // a stream starts and ends, fifty times
            Registration counted = ctx.bus().countViewers(new StreamKey("live", "s" + i), "hls", () -> 1);
            Registration watched = ctx.bus().watch(new io.osprey.spi.bus.StreamWatcher() { });
            assertEquals(base + 2, ctx.resources().size());
            counted.close();
            watched.close();
        }
        assertEquals(base, ctx.resources().size(),
                "a closed count must not stay in the resources: it holds the packager and its stream's frames");
        ctx.close();
    }
}
