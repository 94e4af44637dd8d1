package io.osprey.plugin.rtmp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.osprey.media.buffer.DirectPool;
import io.osprey.media.flv.FlvTag;
import io.osprey.plugin.rtmp.protocol.MessageType;
import io.osprey.testkit.Await;
import io.osprey.testkit.TestMedia;
import io.osprey.testkit.TestServer;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Ingest payloads live in pooled memory that goes back to the pool once the bus evicted a segment's frames and
 * every subscriber released them. With the ring cut to the current GOP ({@code bus.retainMs=0}) segments are reused
 * within seconds; a viewer reading the whole time must still get every body byte for byte as published.
 */
class PooledPayloadTest {

    @Test
    void reusedPayloadMemoryNeverReachesAViewer() throws Exception {
        List<FlvTag> tags = RtmpTestClient.tags(TestMedia.h264Aac(8, 2000));
        Map<String, ByteBuffer> published = new HashMap<>();
        for (FlvTag t : tags) {
            if (t.type() == FlvTag.AUDIO || t.type() == FlvTag.VIDEO) {
                published.put(key(t.type(), t.timestamp()), t.body());
            }
        }
        AtomicInteger compared = new AtomicInteger();
        AtomicReference<String> mismatch = new AtomicReference<>();
        long reused0 = DirectPool.shared().reused();
        try (TestServer server = TestServer.start("bus.retainMs=0");
             RtmpTestClient publisher = RtmpTestClient.open(server.rtmpPort()).handshake()) {
            publisher.connect("live");
            assertEquals("NetStream.Publish.Start", publisher.publish("pooled"));
            try (AutoCloseable loop = publisher.loop(tags);
                 RtmpTestClient viewer = RtmpTestClient.open(server.rtmpPort()).handshake()) {
                viewer.onMedia(m -> {
                    int type = m.type() == MessageType.VIDEO ? FlvTag.VIDEO : FlvTag.AUDIO;
                    ByteBuffer sent = published.get(key(type, m.timestamp()));
                    ByteBuffer got = m.payload();
                    if (sent == null || isConfig(type, got)) {
                        return; // sequence headers are re-encoded from the track; later loops shift time
                    }
                    if (!sent.equals(got)) {
                        mismatch.compareAndSet(null, key(type, m.timestamp()) + ": " + got.remaining()
                                + " bytes differ from the " + sent.remaining() + " published");
                    }
                    compared.incrementAndGet();
                });
                Thread.sleep(500);
                viewer.connect("live");
                assertEquals("NetStream.Play.Start", viewer.play("pooled"));
                Await.until("segments reused while the viewer reads", Duration.ofSeconds(30),
                        () -> DirectPool.shared().reused() - reused0 >= 4 && compared.get() > 300);
            }
        }
        assertEquals(null, mismatch.get());
        assertTrue(compared.get() > 300, "compared " + compared.get());
    }

    private static boolean isConfig(int type, ByteBuffer body) {
        return body.remaining() > 1 && body.get(body.position() + 1) == 0
                && (type == FlvTag.VIDEO ? (body.get(body.position()) & 0x0F) == 7
                        : (body.get(body.position()) & 0xF0) == 0xA0);
    }

    private static String key(int type, long timestamp) {
        return type + "@" + timestamp;
    }
}
