package io.osprey.media.flv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.osprey.media.flv.MediaPacket.PacketKind;
import io.osprey.spi.bus.Frame;
import io.osprey.spi.bus.MediaKind;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * Arbitrary tag bodies through {@link FlvMedia#parseVideo} or {@link FlvMedia#parseAudio} (bit 0 of the first byte
 * chooses; the rest is the body): only {@link FlvFormatException} may escape, the body is not moved, and every
 * config or frame found encodes back to a body that parses to the same packet. Regression inputs live in
 * {@code FlvMediaFuzzTestInputs/parse/}.
 */
class FlvMediaFuzzTest {

    @FuzzTest
    void parse(byte[] data) {
        if (data.length == 0) {
            return;
        }
        boolean video = (data[0] & 1) == 0;
        ByteBuffer body = ByteBuffer.wrap(data, 1, data.length - 1);
        List<MediaPacket> packets;
        try {
            packets = video ? FlvMedia.parseVideo(body) : FlvMedia.parseAudio(body);
        } catch (FlvFormatException expected) {
            return;
        }
        assertEquals(1, body.position(), "parsing must not move the body");
        for (MediaPacket p : packets) {
            assertTrue(p.track() >= 0 && p.track() <= 255);
            assertEquals(video ? MediaKind.VIDEO : MediaKind.AUDIO, p.codec().kind());
            if (p.kind() != PacketKind.CONFIG && p.kind() != PacketKind.FRAME) {
                continue;
            }
            Frame f = p.toFrame(1000);
            ByteBuffer again = video ? FlvMedia.videoBody(f) : FlvMedia.audioBody(f, null);
            List<MediaPacket> back;
            try {
                back = video ? FlvMedia.parseVideo(again) : FlvMedia.parseAudio(again);
            } catch (FlvFormatException e) {
                throw new AssertionError("re-encoded " + f + " does not parse", e);
            }
            assertEquals(1, back.size());
            MediaPacket q = back.get(0);
            assertEquals(p.track(), q.track());
            assertEquals(p.codec(), q.codec());
            assertEquals(p.kind(), q.kind());
            assertEquals(p.key(), q.key());
            assertEquals(p.cts(), q.cts());
            assertEquals(p.payload(), q.payload());
        }
    }
}
