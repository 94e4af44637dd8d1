package io.osprey.plugin.auth;

import io.osprey.spi.bus.StreamKey;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signed, expiring play URLs: {@code ?expires=<unix seconds>&sign=<hex>} where
 * {@code sign = lowercase hex(HMAC-SHA256(secret, "{app}/{stream}:{expires}"))} (RFC 2104, FIPS 180-4). The
 * comparison is constant-time. {@link Mac} instances are cloned from one keyed prototype and pooled, so a check
 * costs one HMAC and no key schedule, and a verified signature is remembered (bounded) until it expires, so a
 * player reloading a playlist costs a map lookup; thread-safe.
 */
final class PlaySigner {

    private static final HexFormat HEX = HexFormat.of();
    private static final int POOL = 16;
    private static final int MAX_VERIFIED = 4096;

    private final Mac prototype;
    private final ArrayBlockingQueue<Mac> pool = new ArrayBlockingQueue<>(POOL);
    /** Signatures already verified, by sign, with what they sign: a player reloading its playlist costs no HMAC. */
    private final ConcurrentHashMap<String, Signed> verified = new ConcurrentHashMap<>();

    private record Signed(StreamKey key, long expires) {
    }

    PlaySigner(String secret) {
        try {
            prototype = Mac.getInstance("HmacSHA256");
            prototype.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }

    /** The {@code sign} value for {@code key} valid until {@code expires} (unix seconds). */
    String sign(StreamKey key, long expires) {
        return HEX.formatHex(mac(key, expires));
    }

    /** The query that plays {@code key} until {@code expires}: {@code expires=...&sign=...}. */
    String query(StreamKey key, long expires) {
        return "expires=" + expires + "&sign=" + sign(key, expires);
    }

    /** Why {@code params} do not sign {@code key} at {@code nowSeconds}, or {@code null} if they do. */
    String refusal(StreamKey key, Map<String, String> params, long nowSeconds) {
        String sign = params.get("sign");
        String expires = params.get("expires");
        if (sign == null || expires == null) {
            return "signature missing";
        }
        long exp = parse(expires);
        if (exp < 0 || sign.length() != 64) {
            return "signature malformed";
        }
        if (exp < nowSeconds) {
            return "signature expired";
        }
        Signed seen = verified.get(sign);
        if (seen != null && seen.expires == exp && seen.key.equals(key)) {
            return null;
        }
        byte[] given;
        try {
            given = HEX.parseHex(sign);
        } catch (IllegalArgumentException e) {
            return "signature malformed";
        }
        if (!MessageDigest.isEqual(mac(key, exp), given)) {
            return "signature invalid";
        }
        if (verified.size() >= MAX_VERIFIED) {
            verified.clear();
        }
        verified.put(sign, new Signed(key, exp));
        return null;
    }

    private byte[] mac(StreamKey key, long expires) {
        Mac m = pool.poll();
        if (m == null) {
            try {
                m = (Mac) prototype.clone();
            } catch (CloneNotSupportedException e) {
                throw new IllegalStateException("HmacSHA256 cannot be cloned", e);
            }
        }
        byte[] out = m.doFinal((key.app() + "/" + key.name() + ":" + expires).getBytes(StandardCharsets.UTF_8));
        pool.offer(m); // dropped when the pool is full
        return out;
    }

    private static long parse(String v) {
        if (v.isEmpty() || v.length() > 12) {
            return -1;
        }
        long n = 0;
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            n = n * 10 + (c - '0');
        }
        return n;
    }
}
