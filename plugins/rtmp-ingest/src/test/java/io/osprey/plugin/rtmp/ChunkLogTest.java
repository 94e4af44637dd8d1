package io.osprey.plugin.rtmp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.osprey.plugin.rtmp.protocol.ChunkDecoder;
import io.osprey.plugin.rtmp.protocol.ChunkEncoder;
import io.osprey.plugin.rtmp.protocol.MessageType;
import io.osprey.plugin.rtmp.protocol.ProtocolControl;
import io.osprey.plugin.rtmp.protocol.RtmpLimits;
import io.osprey.plugin.rtmp.protocol.RtmpMessage;
import io.osprey.spi.bus.Codec;
import io.osprey.spi.bus.Frame;
import io.osprey.spi.bus.TrackInfo;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Frames chunked once into a {@link ChunkLog} and interleaved with a connection's own encoder output (as RtmpWriter
 * does: the encoder forgets the chunk streams the shared bytes used) decode to exactly the messages the per-connection
 * path would send, whatever the chunk size, message sizes and timestamps (incl. extended ones).
 */
class ChunkLogTest {

    private static final List<TrackInfo> TRACKS = List.of(
            TrackInfo.video(1, Codec.H264, ByteBuffer.wrap(new byte[] {1, 0x64, 0, 0x1f, -1}), 640, 360, 25),
            TrackInfo.audio(2, Codec.AAC, ByteBuffer.wrap(new byte[] {0x12, 0x10}), 44100, 2));

    @ParameterizedTest
    @ValueSource(ints = {128, 4096, 60000})
    void sharedBytesInterleavedWithConnectionMessagesDecodeCorrectly(int chunkSize) throws Exception {
        SplittableRandom random = new SplittableRandom(chunkSize);
        ChunkLog log = new ChunkLog(chunkSize);
        ChunkEncoder encoder = new ChunkEncoder();
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        List<RtmpMessage> expected = new ArrayList<>();
        RtmpMessage announce = ProtocolControl.setChunkSize(chunkSize);
        wire.writeBytes(bytes(encoder.encode(announce)));
        expected.add(announce);
        encoder.setChunkSize(chunkSize);

        long t = 0xFFFF00L; // crosses the 24-bit boundary: extended timestamps on every chunk after that
        List<Frame> frames = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            t += random.nextInt(40);
            byte[] p = new byte[random.nextInt(8) == 0 ? random.nextInt(20_000) : 1 + random.nextInt(600)];
            random.nextBytes(p);
            Frame f = switch (random.nextInt(6)) {
                case 0 -> Frame.data(t, ByteBuffer.wrap(new byte[] {2, 0, 1, 'x', 5}));
                case 1, 2 -> Frame.media(2, Codec.AAC, t, 0, true, ByteBuffer.wrap(p));
                default -> Frame.media(1, Codec.H264, t, random.nextInt(80), random.nextInt(10) == 0,
                        ByteBuffer.wrap(p));
            };
            frames.add(f);
            ChunkLog.Slot slot = log.slot(f, TRACKS);
            assertSame(slot, log.slot(f, TRACKS), "chunked once per frame");
            wire.writeBytes(bytes(ChunkLog.bytes(slot, slot)));
            encoder.forget(slot.csid());
            expected.add(PlaySession.message(f, TRACKS, PlaySession.body(f, TRACKS), ChunkLog.STREAM_ID));
            if (random.nextInt(4) == 0) {
                // the connection's own messages on the same chunk streams, same length and type: without the
                // forget the encoder would send a type-3 header relative to a message the peer never saw from it
                RtmpMessage own = new RtmpMessage(slot.csid(), MessageType.DATA_AMF0, t, ChunkLog.STREAM_ID,
                        ByteBuffer.wrap(new byte[] {2, 0, 1, 'y', 5}));
                wire.writeBytes(bytes(encoder.encode(own)));
                expected.add(own);
            }
        }
        List<RtmpMessage> received = new ArrayList<>();
        ChunkDecoder decoder = new ChunkDecoder(RtmpLimits.DEFAULT, received::add);
        byte[] all = wire.toByteArray();
        for (int at = 0; at < all.length; ) {
            int n = Math.min(all.length - at, 1 + random.nextInt(5000));
            decoder.parse(ByteBuffer.wrap(all, at, n));
            at += n;
        }
        assertEquals(expected, received);

        // consecutive frames are laid end to end: a run is one contiguous slice
        ChunkLog.Slot a = log.slot(frames.get(10), TRACKS);
        ChunkLog.Slot b = log.slot(frames.get(11), TRACKS);
        assertTrue(b.follows(a) || b.offset() == 0, "consecutive frames are contiguous within a segment");
        assertTrue(ChunkLog.bytes(a, a).isReadOnly() && ChunkLog.bytes(a, a).isDirect());
    }

    private static byte[] bytes(ByteBuffer b) {
        byte[] a = new byte[b.remaining()];
        b.duplicate().get(a);
        return a;
    }
}
