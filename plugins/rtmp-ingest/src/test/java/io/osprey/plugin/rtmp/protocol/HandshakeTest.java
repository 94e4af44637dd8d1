package io.osprey.plugin.rtmp.protocol;

import static io.osprey.plugin.rtmp.protocol.Bytes.array;
import static io.osprey.plugin.rtmp.protocol.Bytes.concat;
import static io.osprey.plugin.rtmp.protocol.Bytes.hex;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.SplittableRandom;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The server handshake: plain (5.2) and Flash digest. The digest side is written here from the scheme's description
 * (not through the production helpers), acting as a Flash client would.
 */
class HandshakeTest {
    private static final byte[] TAIL = hex("f0eec24a8068bee82e00d0d1029e7e576eec5d2d29806fab93b8e636cfeb31ae");
    private static final byte[] FP_KEY = "Genuine Adobe Flash Player 001".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] FMS_KEY = "Genuine Adobe Flash Media Server 001".getBytes(StandardCharsets.US_ASCII);

    private static byte[] hmac(byte[] key, byte[] data, int from, int to) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        mac.update(data, from, to - from);
        return mac.doFinal();
    }

    /** Digest position: the digest block's first 4 bytes summed, mod 728, after those 4 bytes. */
    private static int digestAt(byte[] packet, int block) {
        int sum = 0;
        for (int i = 0; i < 4; i++) {
            sum += packet[block + i] & 0xFF;
        }
        return block + 4 + sum % 728;
    }

    /** HMAC over the packet with the 32 digest bytes left out. */
    private static byte[] packetDigest(byte[] packet, int at, byte[] key) throws Exception {
        byte[] rest = concat(Arrays.copyOf(packet, at), Arrays.copyOfRange(packet, at + 32, 1536));
        return hmac(key, rest, 0, rest.length);
    }

    private static byte[] digestC1(int block, long seed) throws Exception {
        byte[] c1 = new byte[1536];
        new SplittableRandom(seed).nextBytes(c1);
        System.arraycopy(hex("00000000", "80000702"), 0, c1, 0, 8); // time 0, Flash Player version 128.0.7.2
        int at = digestAt(c1, block);
        System.arraycopy(packetDigest(c1, at, FP_KEY), 0, c1, at, 32);
        return c1;
    }

    @Test
    void simpleHandshakeEchoesC1AndLeavesTheFirstChunksInTheInput() throws Exception {
        byte[] c1 = new byte[1536];
        new SplittableRandom(1).nextBytes(c1);
        Arrays.fill(c1, 4, 8, (byte) 0);  // 5.2.3 zero field: a non-Flash client
        byte[] c2 = new byte[1536];
        Handshake handshake = new Handshake(new SplittableRandom(7));
        ByteBuffer in = ByteBuffer.wrap(concat(hex("03"), c1, c2, hex("0300")));
        byte[] reply = array(handshake.feed(in));
        assertEquals(1 + 1536 + 1536, reply.length);
        assertEquals(3, reply[0]);                                               // S0 version
        assertArrayEquals(new byte[8], Arrays.copyOfRange(reply, 1, 9));         // S1 time 0, zero 0
        assertArrayEquals(c1, Arrays.copyOfRange(reply, 1 + 1536, reply.length)); // S2 echoes C1
        assertTrue(handshake.isComplete());
        assertFalse(handshake.isDigest());
        assertEquals(2, in.remaining());                                         // the chunk stream begins here
        assertEquals(0, handshake.feed(in).remaining());
        assertEquals(2, in.remaining());
    }

    @ParameterizedTest
    @ValueSource(ints = {8, 772})  // digest block first (after time+version) or after the 764-byte key block
    void digestHandshakeSignsS1AndS2(int block) throws Exception {
        byte[] c1 = digestC1(block, block);
        Handshake handshake = new Handshake(new SplittableRandom(3));
        byte[] reply = array(handshake.feed(ByteBuffer.wrap(concat(hex("03"), c1))));
        assertTrue(handshake.isDigest());
        assertFalse(handshake.isComplete());
        assertEquals(3073, reply.length);
        byte[] s1 = Arrays.copyOfRange(reply, 1, 1537);
        byte[] s2 = Arrays.copyOfRange(reply, 1537, 3073);
        assertTrue(s1[4] != 0 || s1[5] != 0 || s1[6] != 0 || s1[7] != 0, "S1 announces a server version");

        // S1: an FMS digest in the same block order the client used
        int s1At = digestAt(s1, block);
        assertArrayEquals(packetDigest(s1, s1At, FMS_KEY), Arrays.copyOfRange(s1, s1At, s1At + 32));

        // S2: last 32 bytes = HMAC(HMAC(FMS key + tail, client digest), first 1504 bytes)
        int c1At = digestAt(c1, block);
        byte[] key = hmac(concat(FMS_KEY, TAIL), c1, c1At, c1At + 32);
        assertArrayEquals(hmac(key, s2, 0, 1504), Arrays.copyOfRange(s2, 1504, 1536));

        handshake.feed(ByteBuffer.wrap(new byte[1536]));
        assertTrue(handshake.isComplete());
    }

    @Test
    void byteAtATimeGivesTheSameReply() throws Exception {
        byte[] input = concat(hex("03"), digestC1(8, 99), new byte[1536]);
        byte[] whole = array(new Handshake(new SplittableRandom(5)).feed(ByteBuffer.wrap(input)));
        Handshake handshake = new Handshake(new SplittableRandom(5));
        ByteArrayOutputStream reply = new ByteArrayOutputStream();
        for (byte b : input) {
            assertFalse(handshake.isComplete());
            reply.writeBytes(array(handshake.feed(ByteBuffer.wrap(new byte[] {b}))));
        }
        assertTrue(handshake.isComplete());
        assertArrayEquals(whole, reply.toByteArray());
    }

    // A2
    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2, 4, 6, 8, 31, 0xFF})
    void a2VersionOtherThan3IsRejected(int version) {
        Handshake handshake = new Handshake(new SplittableRandom(1));
        RtmpProtocolException e = assertThrows(RtmpProtocolException.class,
                () -> handshake.feed(ByteBuffer.wrap(new byte[] {(byte) version})));
        assertTrue(e.getMessage().contains("version " + version), e.getMessage());
        if (version == 6) {
            assertTrue(e.getMessage().contains("RTMPE"));
        }
    }

    @Test
    void a2ZeroOrForgedC1FallsBackToTheSimpleHandshake() throws Exception {
        byte[] forged = digestC1(772, 4);
        forged[digestAt(forged, 772)] ^= 1;  // one bit off
        for (byte[] c1 : new byte[][] {new byte[1536], Bytes.filled(1536, 0xFF), forged}) {
            Handshake handshake = new Handshake(new SplittableRandom(1));
            byte[] reply = array(handshake.feed(ByteBuffer.wrap(concat(hex("03"), c1))));
            assertFalse(handshake.isDigest());
            assertArrayEquals(c1, Arrays.copyOfRange(reply, 1537, 3073));
        }
    }

    @Test
    void a2EveryDigestOffsetStaysInRange() throws Exception {
        // The 4 offset bytes sum to 0..1020; every sum, in both blocks, must be handled without an index error.
        for (int sum = 0; sum <= 1020; sum++) {
            byte[] c1 = new byte[1536];
            for (int block : new int[] {8, 772}) {
                int left = sum;
                for (int i = 0; i < 4; i++) {
                    c1[block + i] = (byte) Math.min(255, left);
                    left -= Math.min(255, left);
                }
            }
            Handshake handshake = new Handshake(new SplittableRandom(sum));
            assertEquals(3073, handshake.feed(ByteBuffer.wrap(concat(hex("03"), c1))).remaining());
        }
    }
}
