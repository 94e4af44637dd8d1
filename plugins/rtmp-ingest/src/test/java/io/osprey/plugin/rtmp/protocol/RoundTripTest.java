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
