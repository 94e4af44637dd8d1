package io.osprey.plugin.sources;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.osprey.spi.bus.MediaBus;
import io.osprey.spi.bus.StreamKey;
import io.osprey.testkit.Await;
import io.osprey.testkit.TestMedia;
import io.osprey.testkit.TestServer;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** {@code maxActive=2}: a third on-demand source stops the least recently watched of the two running. */
class LruEvictionTest {

    @Test
    void theThirdSourceEvictsTheLeastRecentlyWatched() throws Exception {
        Path clip = TestMedia.h264Aac(4, 300);
        try (TestServer server = TestServer.start("plugins.sources.maxActive=2", "plugins.sources.idleStopMs=60000",
                "plugins.sources.streams.lru/a.url=" + clip, "plugins.sources.streams.lru/a.loop=true",
                "plugins.sources.streams.lru/a.onDemand=true", "plugins.sources.streams.lru/a.audio=copy",
                "plugins.sources.streams.lru/b.url=" + clip, "plugins.sources.streams.lru/b.loop=true",
                "plugins.sources.streams.lru/b.onDemand=true", "plugins.sources.streams.lru/b.audio=copy",
                "plugins.sources.streams.lru/c.url=" + clip, "plugins.sources.streams.lru/c.loop=true",
                "plugins.sources.streams.lru/c.onDemand=true", "plugins.sources.streams.lru/c.audio=copy")) {
            MediaBus bus = server.kernel().bus();
            Viewer a = Viewer.watch(bus, StreamKey.parse("lru/a"), Duration.ofSeconds(15));
            Await.until("a plays", Duration.ofSeconds(10), () -> a.frames.get() > 10);
            a.close();
            Viewer b = Viewer.watch(bus, StreamKey.parse("lru/b"), Duration.ofSeconds(15));
            Await.until("b plays", Duration.ofSeconds(10), () -> b.frames.get() > 10);
            // b is being watched now, a was watched before: c's start must stop a
            Viewer c = Viewer.watch(bus, StreamKey.parse("lru/c"), Duration.ofSeconds(15));
            Await.until("c plays", Duration.ofSeconds(10), () -> c.frames.get() > 10);
            Await.until("a evicted", Duration.ofSeconds(5), () -> bus.stream(StreamKey.parse("lru/a")).isEmpty());
            assertTrue(bus.stream(StreamKey.parse("lru/b")).isPresent(), "b kept");
            assertTrue(b.ended.get() == null, "b's viewer untouched");
            String list = server.get("/api/sources").body();
            assertTrue(list.contains("\"key\": \"lru/a\""), list);
            String metrics = server.get("/metrics").body();
            assertTrue(metrics.contains("osprey_sources_evictions_total 1"), metrics);
            assertTrue(metrics.contains("osprey_sources_active 2"), metrics);
            assertEquals(200, server.get("/api/health").statusCode());
            b.close();
            c.close();
        }
    }
}
