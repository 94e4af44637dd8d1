package io.osprey.plugin.rtmp.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.SplittableRandom;

/**
 * Hostile handshakes at fuzzer-chosen TCP boundaries: only RtmpProtocolException may escape, the reply is S0+S1+S2 or
 * nothing, and segmentation changes nothing. The normal build replays HandshakeFuzzTestInputs/.
 */
class HandshakeFuzzTest {

    private record Outcome(byte[] reply, boolean complete, boolean digest, int consumed, String error) {
    }

    @FuzzTest(maxDuration = "60s")
    void handshake(FuzzedDataProvider data) {
        int[] splits = new int[data.consumeInt(0, 8)];
        for (int i = 0; i < splits.length; i++) {
            splits[i] = data.consumeInt(1, 2000);
        }
        byte[] wire = data.consumeRemainingAsBytes();
        Outcome whole = run(wire, new int[0]);
        Outcome split = run(wire, splits);
        assertArrayEquals(whole.reply(), split.reply());
        assertEquals(whole.complete(), split.complete());
        assertEquals(whole.digest(), split.digest());
        assertEquals(whole.consumed(), split.consumed());
        assertEquals(whole.error(), split.error());
        assertTrue(whole.reply().length == 0 || whole.reply().length == 3073);
        assertEquals(whole.complete(), whole.error() == null && wire.length >= 3073);
    }

    private static Outcome run(byte[] wire, int[] splits) {
        Handshake handshake = new Handshake(new SplittableRandom(42));
        ByteArrayOutputStream reply = new ByteArrayOutputStream();
        int at = 0;
        int next = 0;
        String error = null;
        try {
            while (at < wire.length && !handshake.isComplete()) {
                int n = splits.length == 0 ? wire.length : Math.min(wire.length - at, splits[next++ % splits.length]);
                ByteBuffer in = ByteBuffer.wrap(wire, at, n);
                reply.writeBytes(Bytes.array(handshake.feed(in)));
                at = in.position();
            }
        } catch (RtmpProtocolException e) {
            error = e.getMessage();
        }
        return new Outcome(reply.toByteArray(), handshake.isComplete(), handshake.isDigest(), at, error);
    }
}
