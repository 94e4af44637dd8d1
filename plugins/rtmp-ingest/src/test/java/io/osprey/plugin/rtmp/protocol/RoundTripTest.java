package io.osprey.plugin.rtmp.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Encode, then decode split at random points: the messages must come back unchanged (5.3, HOSTILE B12). */
class RoundTripTest {
    private static final int[] CSIDS = {2, 3, 4, 5, 8, 63, 64, 200, 319, 320, 4000, 65599};

    @ParameterizedTest
    @ValueSource(ints = {128, 129, 1000, 4096, 60000})
    void encodeThenDecodeAtRandomSplits(int chunkSize) throws Exception {
        SplittableRandom random = new SplittableRandom(chunkSize);
        List<RtmpMessage> sent = new ArrayList<>();
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        ChunkEncoder encoder = new ChunkEncoder();
        RtmpMessage announce = ProtocolControl.setChunkSize(chunkSize);
        sent.add(announce);
        wire.writeBytes(Bytes.array(encoder.encode(announce)));
        encoder.setChunkSize(chunkSize);
        long[] clock = new long[CSIDS.length];
        for (int i = 0; i < 400; i++) {
            int s = random.nextInt(CSIDS.length);
            clock[s] = nextTimestamp(random, clock[s]);
            byte[] payload = new byte[random.nextInt(10) == 0 ? random.nextInt(70_000) : random.nextInt(300)];
            random.nextBytes(payload);
            int type = random.nextBoolean() ? MessageType.VIDEO : MessageType.AUDIO;
            RtmpMessage m = new RtmpMessage(CSIDS[s], type, clock[s], s % 3, ByteBuffer.wrap(payload));
            sent.add(m);
            wire.writeBytes(Bytes.array(encoder.encode(m)));
        }
        byte[] bytes = wire.toByteArray();

        List<RtmpMessage> received = new ArrayList<>();
        ChunkDecoder decoder = new ChunkDecoder(RtmpLimits.DEFAULT, received::add);
        for (int at = 0; at < bytes.length; ) {
            int n = Math.min(bytes.length - at, random.nextInt(3) == 0 ? 1 + random.nextInt(20) : random.nextInt(9000));
            decoder.parse(ByteBuffer.wrap(bytes, at, n));
            at += n;
        }
        assertEquals(sent, received);
        assertEquals(chunkSize, decoder.chunkSize());
        assertEquals(bytes.length, decoder.bytesRead());
        assertEquals(0, decoder.bufferedBytes());
        if (chunkSize == 128) {
            assertEquals(sent, Bytes.decodeByteByByte(RtmpLimits.DEFAULT, bytes));
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {128, 4096})
    void lentMediaBuffersAreReusedAndEveryMessageStillComesBackUnchanged(int chunkSize) throws Exception {
        SplittableRandom random = new SplittableRandom(7 * chunkSize);
        List<RtmpMessage> sent = new ArrayList<>();
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        ChunkEncoder encoder = new ChunkEncoder();
        sent.add(ProtocolControl.setChunkSize(chunkSize));
        wire.writeBytes(Bytes.array(encoder.encode(sent.get(0))));
        encoder.setChunkSize(chunkSize);
        for (int i = 0; i < 300; i++) {
            int csid = 4 + i % 3; // audio and video interleaved with a command stream
            int type = csid == 6 ? MessageType.COMMAND_AMF0 : csid == 5 ? MessageType.VIDEO : MessageType.AUDIO;
            byte[] payload = new byte[random.nextInt(10) == 0 ? 65_536 + random.nextInt(5000) : random.nextInt(3000)];
            random.nextBytes(payload);
            RtmpMessage m = new RtmpMessage(csid, type, i * 20L, 1, ByteBuffer.wrap(payload));
            sent.add(m);
            wire.writeBytes(Bytes.array(encoder.encode(m)));
        }
        byte[] bytes = wire.toByteArray();
        List<RtmpMessage> received = new ArrayList<>();
        List<RtmpMessage> kept = new ArrayList<>(); // the listener's own (non-media) messages, kept uncopied
        java.util.Set<byte[]> mediaArrays = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        int[] media = {0};
        ChunkDecoder decoder = new ChunkDecoder(RtmpLimits.DEFAULT, m -> {
            ByteBuffer copy = ByteBuffer.allocate(m.payload().remaining()).put(m.payload().duplicate()).flip();
            received.add(new RtmpMessage(m.csid(), m.type(), m.timestamp(), m.streamId(), copy));
            if (m.type() == MessageType.AUDIO || m.type() == MessageType.VIDEO) {
                media[0]++;
                mediaArrays.add(m.payload().array());
            } else {
                kept.add(m);
            }
        }, true);
        for (int at = 0; at < bytes.length; ) {
            int n = Math.min(bytes.length - at, 1 + random.nextInt(5000));
            decoder.parse(ByteBuffer.wrap(bytes, at, n));
            at += n;
        }
        assertEquals(sent, received, "copied while lent: every byte as sent");
        assertEquals(0, decoder.bufferedBytes());
        org.junit.jupiter.api.Assertions.assertTrue(mediaArrays.size() < media[0] / 2,
                mediaArrays.size() + " buffers for " + media[0] + " media messages: lent buffers are reused");
        for (RtmpMessage m : kept) { // never lent: still intact after everything that came later
            assertEquals(sent.stream().filter(x -> x.csid() == m.csid() && x.timestamp() == m.timestamp())
                    .findFirst().orElseThrow(), m);
        }
    }

    /** Mostly small steps, sometimes backwards, sometimes across the 24-bit and 32-bit boundaries. */
    private static long nextTimestamp(SplittableRandom random, long previous) {
        return switch (random.nextInt(8)) {
            case 0 -> random.nextLong(0x1_0000_0000L);
            case 1 -> 0xFFFFFF - 2 + random.nextInt(5);
            case 2 -> 0xFFFFFFFFL - random.nextInt(3);
            case 3 -> previous;
            default -> (previous + random.nextInt(100)) & 0xFFFFFFFFL;
        };
    }
}
