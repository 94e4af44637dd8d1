package io.osprey.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.osprey.kernel.Kernel;
import io.osprey.testkit.Ffmpeg;
import java.nio.file.Files;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The media path with the plugins on the class path (no Felix): the embedding and fast-test mode. */
class ServiceLoaderModeIT extends MediaPathContract {

    private static InProcessServer server;
    private static Process publisher;

    @BeforeAll
    static void start() throws Exception {
        server = new InProcessServer(CONFIG);
        publisher = publish(server, Files.createTempFile("ffmpeg-publish", ".log"));
    }

    @AfterAll
    static void stop() throws Exception {
        Ffmpeg.stop(publisher);
        if (server != null) {
            server.close();
        }
    }

    @Override
    ServerUnderTest server() {
        return server;
    }

    @Override
    Process publisher() {
        return publisher;
    }

    @Test
    void twentyStopStartCyclesLeaveNoThreadRouteOrSubscriptionBehind() throws Exception {
        Kernel k = server.server().kernel();
        assertEquals(200, server.flvStatus("/live/test.flv")); // warm up the pools
        int threads = Thread.activeCount();
        int routes = k.host().router().count();
        for (int i = 0; i < 20; i++) {
            server.post("/api/plugins/httpflv/stop");
            assertEquals(0, k.host().router().count("httpflv"));
            server.post("/api/plugins/httpflv/start");
            assertEquals(3, k.host().router().count("httpflv"),
                    "the HTTP-FLV route, the WS-FLV endpoint and the FLV recordings route");
        }
        assertEquals(routes, k.host().router().count());
        io.osprey.testkit.Await.until("viewer subscriptions released", java.time.Duration.ofSeconds(5),
                () -> k.bus().stream(new io.osprey.spi.bus.StreamKey("live", "test")).orElseThrow().stats()
                        .totalViewers() == 0); // recorder and hls packager subscriptions are no viewers and stay
        assertTrue(Thread.activeCount() <= threads + 4, "threads before " + threads + ", after " + Thread.activeCount());
        String metrics = server.get("/metrics").body();
        assertEquals(1, metrics.lines().filter(l -> l.startsWith("osprey_httpflv_viewers{protocol=\"httpflv\"}"))
                .count(), metrics);
    }
}
