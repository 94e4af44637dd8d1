package ${package};

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.osprey.spi.ConfigException;
import io.osprey.spi.bus.Codec;
import io.osprey.spi.bus.Frame;
import io.osprey.spi.bus.StreamKey;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Unit tests: counting without a server, and the config's validation. */
class StreamCountsTest {

    private final Map<String, Long> metric = new HashMap<>();
    private final StreamCounts counts = new StreamCounts(2, (kind, n) -> metric.merge(kind, n, Long::sum));
    private final StreamKey cam = new StreamKey("live", "cam");

    @Test
    void countsFramesByKindAndKeepsTheLatestKeyFrameSize() {
        assertTrue(counts.admit(cam));
        StreamCounts.Counts c = counts.get(cam);
        counts.count(c, Frame.config(1, Codec.H264, 0, ByteBuffer.allocate(30)));
        counts.count(c, Frame.media(1, Codec.H264, 0, 0, true, ByteBuffer.allocate(1000)));
        counts.count(c, Frame.media(1, Codec.H264, 40, 0, false, ByteBuffer.allocate(200)));
        counts.count(c, Frame.media(2, Codec.AAC, 20, 0, true, ByteBuffer.allocate(300)));
        counts.count(c, Frame.media(1, Codec.H264, 80, 0, true, ByteBuffer.allocate(1500)));

        assertEquals(3, c.video.get(), "the config is not a frame");
        assertEquals(1, c.audio.get());
        assertEquals(1500, c.lastKeyFrameBytes);
        assertEquals(80, c.lastKeyFrameDts);
        assertEquals(Map.of("video", 3L, "audio", 1L), metric);
        assertEquals(Map.of("videoFrames", 3L, "audioFrames", 1L, "dataFrames", 0L, "lastKeyFrameBytes", 1500,
                "lastKeyFrameDts", 80L), counts.snapshot().get("live/cam"));
    }

    @Test
    void countsAtMostMaxStreams() {
        assertTrue(counts.admit(cam));
        assertTrue(counts.admit(new StreamKey("live", "two")));
        assertFalse(counts.admit(new StreamKey("live", "three")));
        counts.remove(cam);
        assertTrue(counts.admit(new StreamKey("live", "three")));
    }

    @Test
    void configRefusesAnOutOfRangeMaxStreamsNamingTheKey() {
        ${className}Config config = new ${className}Config();
        config.validate(); // the defaults are valid
        config.maxStreams = 0;
        ConfigException e = assertThrows(ConfigException.class, config::validate);
        assertTrue(e.getMessage().contains("maxStreams"), e.getMessage());
    }
}
