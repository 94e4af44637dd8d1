package io.osprey.plugin.recorder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.osprey.spi.bus.Publisher;
import io.osprey.spi.bus.StreamKey;
import io.osprey.testkit.Await;
import io.osprey.testkit.Clip;
import io.osprey.testkit.Probe;
import io.osprey.testkit.TestMedia;
import io.osprey.testkit.TestServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * A stream published as fast as the CPU allows and ended at once (an HTTP push whose whole body arrives in one
 * read) is recorded whole: the recorder reads what the stream carried before its end, not only what it had read
 * when the end came (issue 13, point 7).
 */
class RecorderBurstTest {

    @Test
    void aStreamPublishedInOneBurstAndEndedAtOnceIsRecordedWhole() throws Exception {
        Path clip = TestMedia.h264Aac(3, 500);
        Clip media = Clip.read(clip);
        try (TestServer server = TestServer.start()) {
            Publisher p = media.publish(server.kernel().bus(), new StreamKey("live", "burst"), 1e9);
            p.close();
            Path streamDir = server.home().resolve("data/mp4/live/burst");
            Await.until("stream_full.mp4", Duration.ofSeconds(30), () -> full(streamDir) != null);
            Probe.Result r = Probe.probe(full(streamDir).toString());
            assertNotNull(r.video(), r.raw());
            assertNotNull(r.audio(), r.raw());
            assertEquals(3.0, r.duration(), 0.3, r.raw());
        }
    }

    private static Path full(Path streamDir) {
        try (Stream<Path> s = Files.list(streamDir)) {
            return s.map(d -> d.resolve("stream_full.mp4")).filter(Files::exists).findFirst().orElse(null);
        } catch (IOException e) {
            return null;
        }
    }
}
