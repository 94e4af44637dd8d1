package io.osprey.plugin.recorder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.osprey.spi.bus.Codec;
import io.osprey.spi.bus.Frame;
import io.osprey.spi.bus.Publisher;
import io.osprey.spi.bus.PublishRequest;
import io.osprey.spi.bus.StreamKey;
import io.osprey.spi.bus.TrackInfo;
import io.osprey.testkit.Await;
import io.osprey.testkit.Clip;
import io.osprey.testkit.TestMedia;
import io.osprey.testkit.TestServer;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Write errors stop one recording and leave the live stream alone; hostile publishers cost nothing. */
class RecorderFailureTest {

    private TestServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void aWriteErrorStopsTheRecordingButNotTheStream() throws Exception {
        server = TestServer.start("plugins.fmp4-recorder.mode=merged");
        Clip media = Clip.read(TestMedia.h264Aac(20, 500));
        StreamKey key = new StreamKey("live", "broken");
        Publisher p = server.kernel().bus().publish(key, new PublishRequest("test", null, false, null));
        AtomicReference<Throwable> feedError = new AtomicReference<>();
        Thread feeder = new Thread(() -> {
            try {
                media.feed(p, 2, 0);
            } catch (Throwable t) {
                feedError.set(t);
            }
        });
        feeder.start();
        Path streamDir = server.home().resolve("data/mp4/live/broken");
        Path[] merged = new Path[1];
        Await.until("a first segment", Duration.ofSeconds(30), () -> {
            try (Stream<Path> s = Files.list(streamDir)) {
                merged[0] = s.findFirst().orElseThrow().resolve("output_merge");
                return Files.exists(merged[0].resolve("seg-00001.m4s"));
            } catch (IOException e) {
                return false;
            }
        });
        // the folder the recording writes to becomes a file: every further write fails (as on a dead disk). Moved
        // away in one rename, not emptied file by file, which raced with the recorder writing its next file
        Files.move(merged[0], merged[0].resolveSibling("output_merge.gone"), StandardCopyOption.ATOMIC_MOVE);
        Files.writeString(merged[0], "in the way");
        Await.until("the write error counted", Duration.ofSeconds(30),
                () -> metric("osprey_fmp4_recorder_write_errors_total") >= 1);
        assertTrue(server.kernel().bus().stream(key).orElseThrow().hasPublisher(), "the live stream goes on");
        String health = server.get("/api/health").body();
        assertTrue(health.contains("write error"), health);
        assertEquals(0, metric("osprey_fmp4_recorder_recordings"));
        feeder.join(30_000);
        assertEquals(null, feedError.get());
        p.close();
        Path index = merged[0].getParent().resolve("index.json");
        assertTrue(Files.readString(index).contains("\"state\": \"failed\""), Files.readString(index));
    }

    @Test
    void aPublisherWithoutKeyFramesRecordsAndHoldsNothing() throws Exception {
        server = TestServer.start();
        Clip media = Clip.read(TestMedia.h264Aac(2, 500));
        TrackInfo video = media.video();
        StreamKey key = new StreamKey("live", "nokey");
        Publisher p = server.kernel().bus().publish(key, new PublishRequest("test", null, false, null));
        p.setTrack(video);
        for (int i = 0; i < 3000; i++) {
            p.push(Frame.media(0, Codec.H264, i * 40L, 0, false, ByteBuffer.wrap(new byte[] {0, 0, 0, 1, 0x41})));
        }
        Await.until("frames consumed", Duration.ofSeconds(10), () -> server.kernel().bus().stream(key).orElseThrow()
                .stats().toString().length() > 0);
        Thread.sleep(500);
        assertFalse(Files.exists(server.home().resolve("data/mp4/live/nokey")), "no session without a key frame");
        assertEquals(0, metric("osprey_fmp4_recorder_recordings"));
        p.close();
    }

    @Test
    void unrecordedAppsAreLeftAlone() throws Exception {
        server = TestServer.start("plugins.fmp4-recorder.apps=[vod]");
        Clip media = Clip.read(TestMedia.h264Aac(2, 500));
        media.publish(server.kernel().bus(), new StreamKey("live", "skip"), 20).close();
        Publisher p = media.publish(server.kernel().bus(), new StreamKey("vod", "keep"), 20);
        p.close();
        Await.until("vod/keep merged", Duration.ofSeconds(30), () -> {
            try (Stream<Path> s = Files.list(server.home().resolve("data/mp4/vod/keep"))) {
                return s.anyMatch(d -> Files.exists(d.resolve("stream_full.mp4")));
            } catch (IOException e) {
                return false;
            }
        });
        assertFalse(Files.exists(server.home().resolve("data/mp4/live")));
    }

    private double metric(String name) {
        String body;
        try {
            body = server.get("/metrics").body();
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
        for (String line : body.split("\n")) {
            if (line.startsWith(name + " ") || line.startsWith(name + "{")) {
                return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return 0;
    }
}
