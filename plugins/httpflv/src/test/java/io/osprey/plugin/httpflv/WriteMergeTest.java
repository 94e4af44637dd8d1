package io.osprey.plugin.httpflv;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.osprey.spi.bus.StreamKey;
import io.osprey.spi.bus.StreamView;
import io.osprey.testkit.Await;
import io.osprey.testkit.ClipPublisher;
import io.osprey.testkit.TestMedia;
import io.osprey.testkit.TestServer;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Write merging: the window is the viewers' share of the write budget; a viewer gets at most one batch per window,
 * and still every frame. (Without merging, each arriving frame is its own write: ~68 a second for this clip.)
 */
class WriteMergeTest {

    private static final Pattern WRITES = Pattern.compile("osprey_httpflv_writes_total\\{protocol=\"httpflv\"} (\\S+)");

    @Test
    void aMergeWindowBoundsTheWritesAndLosesNoFrame() throws Exception {
        StreamKey key = new StreamKey("live", "merge");
        try (TestServer server = TestServer.start("plugins.httpflv.mergeMs=250",
                "plugins.httpflv.writesPerSecond=1");
             ClipPublisher publisher = ClipPublisher.start(server.kernel().bus(), key, TestMedia.h264Aac(10, 1000))) {
            StreamView stream = server.kernel().bus().stream(key).orElseThrow();
            Await.until("the stream's first frames", Duration.ofSeconds(10), () -> stream.stats().framesIn() > 10);
            try (FlvClient viewer = new FlvClient(server.httpPort(), "/live/merge.flv")) {
                Await.until("the GOP burst", Duration.ofSeconds(10), () -> viewer.videoTags > 0);
                double writes0 = writes(server);
                long frames0 = stream.stats().framesIn();
                int tags0 = viewer.videoTags + viewer.audioTags;
                long t0 = System.nanoTime();
                Thread.sleep(4000);
                double seconds = (System.nanoTime() - t0) / 1e9;
                long frames = stream.stats().framesIn() - frames0;
                double writes = writes(server) - writes0;
                // every frame published meanwhile arrives (give the last window time to go out)
                Await.until("every frame", Duration.ofSeconds(5),
                        () -> viewer.videoTags + viewer.audioTags - tags0 >= frames);
                double bound = seconds * 1000 / 250 * 2 + 4; // one batch per window (a batch may be 2 buffers)
                System.out.printf("%d frames in %.1f s went out in %.0f writes (bound %.0f)%n", frames, seconds,
                        writes, bound);
                assertTrue(frames > 100, "the clip kept publishing: " + frames);
                assertTrue(writes <= bound, writes + " writes for " + frames + " frames in " + seconds + " s");
            }
        }
    }

    private static double writes(TestServer server) throws Exception {
        Matcher m = WRITES.matcher(server.get("/metrics").body());
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }
}
