package io.osprey.plugin.httpflv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.osprey.spi.bus.StreamKey;
import io.osprey.spi.bus.StreamView;
import io.osprey.testkit.Await;
import io.osprey.testkit.ClipPublisher;
import io.osprey.testkit.TestMedia;
import io.osprey.testkit.TestServer;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Slow viewers (HOSTILE-INPUTS F7): one that reads at a third of the stream rate is moved to the newest key frame,
 * then disconnected; one that stops reading is disconnected when its write stalls; meanwhile a normal viewer keeps
 * the full rate and the heap stays flat.
 */
class SlowViewerTest {

    @Test
    void slowAndStoppedViewersAreDroppedWhileOthersKeepTheFullRate() throws Exception {
        StreamKey key = new StreamKey("live", "slow");
        java.util.logging.Logger refusals = java.util.logging.Logger.getLogger("io.osprey.plugin.httpflv.Refusals");
        WsInboundBudgetTest.Lines log = new WsInboundBudgetTest.Lines();
        refusals.addHandler(log);
        try (TestServer server = TestServer.start("plugins.httpflv.maxLagMs=1000", "plugins.httpflv.maxDrops=2",
                "plugins.httpflv.stallMs=4000",
                "plugins.httpflv.sendBufferBytes=65536");
             ClipPublisher publisher = ClipPublisher.start(server.kernel().bus(), key, TestMedia.h264Aac(10, 4000))) {
            Thread.sleep(1200);
            long heapBefore = usedHeap();
            StreamView stream = server.kernel().bus().stream(key).orElseThrow();
            try (FlvClient fast = new FlvClient(server.httpPort(), "/live/slow.flv");
                 FlvClient slow = new FlvClient(server.httpPort(), "/live/slow.flv", 16384);
                 FlvClient stopped = new FlvClient(server.httpPort(), "/live/slow.flv", 16384)) {
                slow.bytesPerSecond = 170_000; // a third of the stream rate
                Await.until("three viewers", Duration.ofSeconds(10), () -> stream.stats().viewers()
                        .getOrDefault("httpflv", 0) == 3 && stopped.bytes > 0);
                stopped.paused = true;
                long t0 = System.nanoTime();
                long in0 = stream.stats().bytesIn();
                long out0 = fast.bytes;

                Await.until("the stopped and the slow viewer to be dropped", Duration.ofSeconds(30),
                        () -> stream.stats().viewers().getOrDefault("httpflv", 0) == 1);
                double seconds = (System.nanoTime() - t0) / 1e9;
                assertTrue(stream.stats().framesDropped() > 0, "the slow viewer skipped frames first");
                long in = stream.stats().bytesIn() - in0;
                long out = fast.bytes - out0;
                System.out.printf("slow viewers dropped after %.1f s; dropped frames %d; fast viewer got %d bytes "
                        + "for %d bytes published%n", seconds, stream.stats().framesDropped(), out, in);
                assertTrue(out >= 0.95 * in, "the normal viewer keeps the full rate: " + out + " of " + in);
                assertFalse(fast.ended, "the normal viewer is still connected");
                String metrics = server.get("/metrics").body();
                assertTrue(metrics.contains("osprey_httpflv_slow_disconnects_total{protocol=\"httpflv\"} 2"), metrics);

                long heapAfter = usedHeap();
                System.out.printf("heap used before %d MB, after %d MB%n", heapBefore >> 20, heapAfter >> 20);
                assertTrue(heapAfter - heapBefore < 48L << 20, "heap flat: " + heapBefore + " -> " + heapAfter);
                assertEquals(1, stream.stats().viewers().get("httpflv"));
                // issue 13: both disconnects were from 127.0.0.1 for the same rule: one line, with the client
                assertEquals(1, log.lines.stream().filter(l -> l.startsWith("refused 127.0.0.1: slow viewer")).count(),
                        log.lines.toString());
            }
        }
    }

    private static long usedHeap() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100);
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
