package io.osprey.plugin.transcode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.osprey.media.flv.FlvReader;
import io.osprey.media.flv.FlvTag;
import io.osprey.media.live.FlvToBus;
import io.osprey.spi.bus.DemandRequest;
import io.osprey.spi.bus.MediaBus;
import io.osprey.spi.bus.MediaKind;
import io.osprey.spi.bus.PublishRequest;
import io.osprey.spi.bus.Publisher;
import io.osprey.spi.bus.StreamKey;
import io.osprey.spi.bus.StreamView;
import io.osprey.spi.bus.TrackInfo;
import io.osprey.testkit.Await;
import io.osprey.testkit.Ffmpeg;
import io.osprey.testkit.TestServer;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A source that changes resolution mid-stream (a new sequence header): the ladder restarts at once and the
 * rendition, same key, carries the new aspect ratio; a rendition's viewer is demanded through the bus as any
 * protocol would. The source is fed straight into the kernel's bus from two small FLV clips, paced in real time.
 */
class ResolutionChangeTest {

    @TempDir
    Path dir;

    private Path clip(String name, String size) throws Exception {
        Path out = dir.resolve(name);
        Ffmpeg.Result r = Ffmpeg.run(60, Ffmpeg.ffmpeg(), "-v", "error", "-f", "lavfi", "-i",
                "testsrc2=size=" + size + ":rate=15", "-f", "lavfi", "-i", "sine=sample_rate=44100", "-t", "4",
                "-c:v", "libopenh264", "-b:v", "200k", "-g", "15", "-c:a", "aac", "-f", "flv", out.toString());
        assertEquals(0, r.exitCode(), r.stderr());
        return out;
    }

    @Test
    void aNewSourceResolutionRestartsTheLadderWithTheNewAspect() throws Exception {
        Path a = clip("a.flv", "320x240");
        Path b = clip("b.flv", "320x180");
        try (TestServer server = TestServer.start("plugins.transcode.ladders.live=[{name: mid, height: 120,"
                + " videoKbps: 100}]")) {
            MediaBus bus = server.kernel().bus();
            StreamKey cam = new StreamKey("live", "cam");
            Publisher pub = bus.publish(cam, new PublishRequest("test", null, false, null));
            FlvToBus bridge = new FlvToBus(pub, null);
            Thread feeder = new Thread(() -> {
                try {
                    long end = feed(bridge, a, 0);
                    feed(bridge, b, end + 67);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }, "feeder");
            feeder.setDaemon(true);
            feeder.start();
            Await.until("live/cam has video", Duration.ofSeconds(10), () -> bus.stream(cam)
                    .map(s -> video(s) != null).orElse(false));
            StreamView mid = bus.demand(new StreamKey("live", "cam_mid"), DemandRequest.of("test"),
                    Duration.ofSeconds(20)).toCompletableFuture().get(30, TimeUnit.SECONDS);
            // the demand completes at the publish; the track follows on the worker's thread
            Await.until("the rendition has its video track", Duration.ofSeconds(10), () -> video(mid) != null);
            assertEquals(160, video(mid).width());
            assertEquals(120, video(mid).height());
            assertEquals(List.of(new StreamKey("live", "cam_mid")), bus.variants(cam));
            Await.until("the rendition follows the new 16:9 source", Duration.ofSeconds(20),
                    () -> video(mid) != null && video(mid).width() == 214 && video(mid).height() == 120);
            assertTrue(mid.stats().framesIn() > 0);
            feeder.join(10_000);
            pub.close();
            bridge.close();
        }
    }

    private static TrackInfo video(StreamView s) {
        return s.tracks().stream().filter(t -> t.kind() == MediaKind.VIDEO).findFirst().orElse(null);
    }

    /** Pushes a clip's tags in real time from {@code offset} ms; returns the last timestamp pushed. */
    private static long feed(FlvToBus bridge, Path clip, long offset) throws Exception {
        long[] last = {offset};
        long t0 = System.nanoTime();
        FlvReader reader = new FlvReader(8 << 20, new FlvReader.Listener() {
            @Override
            public void onHeader(boolean audio, boolean video) {
            }

            @Override
            public void onTag(FlvTag tag) {
                try {
                    long wait = tag.timestamp() - (System.nanoTime() - t0) / 1_000_000;
                    if (wait > 0) {
                        Thread.sleep(wait); // pacing the publisher like a live encoder
                    }
                    if (tag.type() == FlvTag.SCRIPT) {
                        bridge.data(offset + tag.timestamp(), tag.body());
                    } else {
                        bridge.media(tag.type(), offset + tag.timestamp(), tag.body());
                    }
                    last[0] = offset + tag.timestamp();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }
        });
        reader.feed(ByteBuffer.wrap(Files.readAllBytes(clip)));
        return last[0];
    }
}
