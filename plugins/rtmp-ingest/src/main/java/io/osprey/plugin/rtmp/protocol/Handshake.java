package io.osprey.plugin.rtmp.protocol;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * The server side of the RTMP handshake (5.2) as a resumable state machine: feed it whatever bytes arrived and send
 * what it returns.
 *
 * <p>Once C0 and C1 are in, {@link #feed} returns S0+S1+S2 in one buffer. If C1 carries a valid Flash Player digest
 * (either block order), S1 carries a Flash Media Server digest in the same order and S2 is signed with a key derived
 * from the client's digest, which Flash Player and some encoders insist on; otherwise the plain handshake of the
 * specification is used and S2 echoes C1. C2 is consumed but not checked, since clients differ. Bytes after C2 are
 * left in the input: they are the first chunks. Not thread-safe; keys and digests never appear in exception messages.
 */
public final class Handshake {
    /** 5.2.2 C0 and S0: version 3 is plain RTMP; 6 and 8 are RTMPE, which is not supported. */
    public static final int RTMP_VERSION = 3;
    private static final int PACKET = HandshakeDigest.PACKET_LENGTH;
    /** The version a digest S1 announces (bytes 4-7), as FMS-compatible servers do. */
    private static final byte[] SERVER_VERSION = {4, 5, 0, 1};

    private enum State { C0, C1, C2, DONE }

    private final RandomGenerator random;
    private final byte[] c1 = new byte[PACKET];
    private State state = State.C0;
    private int received;
    private boolean digest;

    public Handshake(RandomGenerator random) {
        this.random = Objects.requireNonNull(random, "random");
    }

    /**
     * Consumes handshake bytes from {@code in} and returns what to send now: S0+S1+S2 (3073 bytes) when C1 has just
     * been completed, otherwise an empty buffer. Stops after C2, leaving any later bytes in {@code in}.
     */
    public ByteBuffer feed(ByteBuffer in) throws RtmpProtocolException {
        ByteBuffer reply = ByteBuffer.allocate(0);
        while (in.hasRemaining() && state != State.DONE) {
            switch (state) {
                case C0 -> {
                    // 5.2.2 C0: version, 1 byte; 3 is RTMP, 6 (and 8) RTMPE, 31+ invalid
                    int version = in.get() & 0xFF;
                    if (version != RTMP_VERSION) {
                        throw new RtmpProtocolException("unsupported RTMP handshake version " + version
                                + (version == 6 || version == 8 ? " (RTMPE)" : "") + "; only 3 is accepted");
                    }
                    state = State.C1;
                }
                case C1 -> {
                    // 5.2.3 C1: time 4 bytes, zero 4 bytes (the Flash client version), random 1528 bytes
                    int n = Math.min(PACKET - received, in.remaining());
                    in.get(c1, received, n);
                    received += n;
                    if (received == PACKET) {
                        reply = respond();
                        received = 0;
                        state = State.C2;
                    }
                }
                case C2 -> {
                    // 5.2.4 C2: echo of S1 (or its digest variant); only its length matters here
                    int n = Math.min(PACKET - received, in.remaining());
                    in.position(in.position() + n);
                    received += n;
                    if (received == PACKET) {
                        state = State.DONE;
                        Arrays.fill(c1, (byte) 0);
                    }
                }
                default -> throw new IllegalStateException(state.name());
            }
        }
        return reply;
    }

    /** Whether C2 has been read, so the chunk stream begins with the next byte. */
    public boolean isComplete() {
        return state == State.DONE;
    }

    /** Whether C1 carried a valid Flash Player digest and the digest handshake was answered. */
    public boolean isDigest() {
        return digest;
    }

    private ByteBuffer respond() {
        byte[] s1 = new byte[PACKET];
        random.nextBytes(s1);
        byte[] s2;
        int clientDigestAt = HandshakeDigest.find(c1, HandshakeDigest.PLAYER_KEY);
        if (clientDigestAt >= 0) {
            digest = true;
            // S1: time 0, server version, then the digest block in the same position the client used
            Arrays.fill(s1, 0, 4, (byte) 0);
            System.arraycopy(SERVER_VERSION, 0, s1, 4, 4);
            int blockStart = clientDigestAt < HandshakeDigest.DIGEST_BLOCK_STARTS[1]
                    ? HandshakeDigest.DIGEST_BLOCK_STARTS[0] : HandshakeDigest.DIGEST_BLOCK_STARTS[1];
            HandshakeDigest.sign(s1, blockStart, HandshakeDigest.SERVER_KEY);
            // S2: random bytes whose last 32 are signed with a key derived from the client's digest
            s2 = new byte[PACKET];
            random.nextBytes(s2);
            byte[] clientDigest = Arrays.copyOfRange(c1, clientDigestAt, clientDigestAt + HandshakeDigest.DIGEST_LENGTH);
            HandshakeDigest.signResponse(s2, clientDigest, HandshakeDigest.SERVER_KEY_FULL);
        } else {
            // 5.2.3 S1: time 4 bytes (our epoch, 0), zero 4 bytes, random; 5.2.4 S2: echo of C1
            Arrays.fill(s1, 0, 8, (byte) 0);
            s2 = c1.clone();
        }
        // 5.2.2 S0: the version, 1 byte
        return ByteBuffer.allocate(1 + 2 * PACKET).put((byte) RTMP_VERSION).put(s1).put(s2).flip();
    }
}
