package io.osprey.plugin.rtmp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.osprey.media.flv.FlvTag;
import io.osprey.spi.bus.StreamKey;
import io.osprey.spi.bus.StreamView;
import io.osprey.testkit.Await;
import io.osprey.testkit.Probe;
import io.osprey.testkit.TestMedia;
import io.osprey.testkit.TestServer;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * RTMP play with write merging forced on (a budget of one write a second makes even one viewer wait the whole
 * 250 ms window): the viewer still gets every frame, and ffprobe still reads the stream.
 */
class PlayMergeTest {

    @Test
    void mergedPlayLosesNothingAndStillPlays() throws Exception {
        List<FlvTag> tags = RtmpTestClient.tags(TestMedia.h264Aac(10, 500));
        try (TestServer server = TestServer.start("plugins.rtmp-ingest.playMergeMs=250",
                "plugins.rtmp-ingest.playWritesPerSecond=1");
             RtmpTestClient publisher = RtmpTestClient.open(server.rtmpPort()).handshake()) {
            publisher.connect("live");
            assertEquals("NetStream.Publish.Start", publisher.publish("merged"));
            try (AutoCloseable loop = publisher.loop(tags);
                 RtmpTestClient viewer = RtmpTestClient.open(server.rtmpPort()).handshake()) {
                StreamKey key = new StreamKey("live", "merged");
                Await.until("the stream", Duration.ofSeconds(20), () -> server.kernel().bus().stream(key).isPresent());
                StreamView stream = server.kernel().bus().stream(key).orElseThrow();
                viewer.connect("live");
                assertEquals("NetStream.Play.Start", viewer.play("merged"));
                Await.until("the merge window to open", Duration.ofSeconds(10),
                        () -> metric(server, "osprey_rtmp_play_merge_window_ms").equals("250.0"));
                Await.until("the GOP", Duration.ofSeconds(10), () -> viewer.mediaMessages() > 0);
                long in0 = stream.stats().framesIn();
                long out0 = viewer.mediaMessages();
                Thread.sleep(3000);
                long published = stream.stats().framesIn() - in0;
                Await.until("every frame published meanwhile", Duration.ofSeconds(5),
                        () -> viewer.mediaMessages() - out0 >= published);
                assertTrue(published > 100, "the publisher kept sending: " + published);
                PublishAndPlayTest.assertH264Aac(Probe.probe(server.rtmp("/live/merged")));
            }
        }
    }

    private static String metric(TestServer server, String name) {
        String body;
        try {
            body = server.get("/metrics").body();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        for (String line : body.split("\n")) {
            if (line.startsWith(name + " ")) {
                return line.substring(name.length() + 1).trim();
            }
        }
        return "";
    }
}
