package io.osprey.plugin.rtmp.protocol;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The Flash Player 9+ handshake digest, which the 2012 specification leaves out. C1 and S1 are time (4), version (4)
 * and two 764-byte blocks, a key block and a digest block, in either order ("schema"). A digest block starts with 4
 * offset bytes whose sum modulo 728 places a 32-byte HMAC-SHA256 within the block; the HMAC covers the other 1504
 * bytes of the 1536-byte packet. Offsets are reduced modulo 728 so the digest always ends inside its block.
 */
final class HandshakeDigest {
    static final int PACKET_LENGTH = 1536;
    static final int DIGEST_LENGTH = 32;
    /** Where the digest block starts: right after time+version (digest first) or after the key block (key first). */
    static final int[] DIGEST_BLOCK_STARTS = {8, 8 + 764};
    private static final int BLOCK_LENGTH = 764;
    private static final int OFFSET_MODULUS = BLOCK_LENGTH - 4 - DIGEST_LENGTH; // 728

    private static final byte[] SHARED_TAIL = {
        (byte) 0xF0, (byte) 0xEE, (byte) 0xC2, (byte) 0x4A, (byte) 0x80, (byte) 0x68, (byte) 0xBE, (byte) 0xE8,
        (byte) 0x2E, (byte) 0x00, (byte) 0xD0, (byte) 0xD1, (byte) 0x02, (byte) 0x9E, (byte) 0x7E, (byte) 0x57,
        (byte) 0x6E, (byte) 0xEC, (byte) 0x5D, (byte) 0x2D, (byte) 0x29, (byte) 0x80, (byte) 0x6F, (byte) 0xAB,
        (byte) 0x93, (byte) 0xB8, (byte) 0xE6, (byte) 0x36, (byte) 0xCF, (byte) 0xEB, (byte) 0x31, (byte) 0xAE,
    };
    /** The text part of the player key signs C1. */
    static final byte[] PLAYER_KEY = "Genuine Adobe Flash Player 001".getBytes(StandardCharsets.US_ASCII);
    /** The text part of the server key signs S1. */
    static final byte[] SERVER_KEY = "Genuine Adobe Flash Media Server 001".getBytes(StandardCharsets.US_ASCII);
    /** The full server key (text + shared 32-byte tail) derives the S2 signing key from the client's digest. */
    static final byte[] SERVER_KEY_FULL = concat(SERVER_KEY, SHARED_TAIL);
    /** The full player key, used by clients to derive the C2 signing key from the server's digest. */
    static final byte[] PLAYER_KEY_FULL = concat(PLAYER_KEY, SHARED_TAIL);

    private HandshakeDigest() {
    }

    /** Position of the digest in a packet whose digest block starts at {@code blockStart}; always in range. */
    static int digestPosition(byte[] packet, int blockStart) {
        int sum = (packet[blockStart] & 0xFF) + (packet[blockStart + 1] & 0xFF) + (packet[blockStart + 2] & 0xFF)
                + (packet[blockStart + 3] & 0xFF);
        return blockStart + 4 + sum % OFFSET_MODULUS;
    }

    /** HMAC-SHA256 of the packet without the 32 bytes at {@code digestAt}. */
    static byte[] compute(byte[] packet, int digestAt, byte[] key) {
        Mac mac = mac(key);
        mac.update(packet, 0, digestAt);
        mac.update(packet, digestAt + DIGEST_LENGTH, PACKET_LENGTH - digestAt - DIGEST_LENGTH);
        return mac.doFinal();
    }

    /** Digest position if the packet carries a valid digest under {@code key} in either schema, else -1. */
    static int find(byte[] packet, byte[] key) {
        for (int blockStart : DIGEST_BLOCK_STARTS) {
            int at = digestPosition(packet, blockStart);
            byte[] expected = compute(packet, at, key);
            if (MessageDigest.isEqual(expected, Arrays.copyOfRange(packet, at, at + DIGEST_LENGTH))) {
                return at;
            }
        }
        return -1;
    }

    /** Writes a digest into the packet at the position its digest block at {@code blockStart} selects. */
    static void sign(byte[] packet, int blockStart, byte[] key) {
        int at = digestPosition(packet, blockStart);
        System.arraycopy(compute(packet, at, key), 0, packet, at, DIGEST_LENGTH);
    }

    /** Signs a C2/S2 response: the last 32 bytes are HMAC(HMAC(fullKey, peerDigest), first 1504 bytes). */
    static void signResponse(byte[] packet, byte[] peerDigest, byte[] fullKey) {
        byte[] responseKey = hmac(fullKey, peerDigest, 0, peerDigest.length);
        byte[] signature = hmac(responseKey, packet, 0, PACKET_LENGTH - DIGEST_LENGTH);
        System.arraycopy(signature, 0, packet, PACKET_LENGTH - DIGEST_LENGTH, DIGEST_LENGTH);
    }

    static byte[] hmac(byte[] key, byte[] data, int offset, int length) {
        Mac mac = mac(key);
        mac.update(data, offset, length);
        return mac.doFinal();
    }

    private static Mac mac(byte[] key) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is required of every Java platform", e);
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] all = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
