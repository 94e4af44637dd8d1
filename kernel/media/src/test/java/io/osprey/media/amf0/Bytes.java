package io.osprey.media.amf0;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/** Builds test byte strings from annotated hex and ASCII pieces. */
public final class Bytes {

    private Bytes() {
    }

    /** Hex digits; spaces, newlines and anything after {@code #} on a line are ignored. */
    public static byte[] hex(String hex) {
        StringBuilder digits = new StringBuilder();
        for (String line : hex.split("\n")) {
            int hash = line.indexOf('#');
            digits.append((hash >= 0 ? line.substring(0, hash) : line).replaceAll("\\s", ""));
        }
        if (digits.length() % 2 != 0) {
            throw new IllegalArgumentException("odd hex: " + digits);
        }
        byte[] out = new byte[digits.length() / 2];
        for (int i = 0; i < out.length; i++) {
            out[i] = (byte) Integer.parseInt(digits.substring(2 * i, 2 * i + 2), 16);
        }
        return out;
    }

    public static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    /** Concatenates pieces: {@code byte[]}, or a {@code String} of hex (see {@link #hex}). */
    public static byte[] cat(Object... pieces) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Object p : pieces) {
            byte[] b = p instanceof byte[] bytes ? bytes : hex((String) p);
            out.write(b, 0, b.length);
        }
        return out.toByteArray();
    }

    public static ByteBuffer buf(Object... pieces) {
        return ByteBuffer.wrap(cat(pieces));
    }

    public static byte[] toArray(ByteBuffer b) {
        byte[] out = new byte[b.remaining()];
        b.duplicate().get(out);
        return out;
    }

    public static String toHex(byte[] b) {
        StringBuilder s = new StringBuilder();
        for (byte x : b) {
            s.append(String.format("%02x", x & 0xFF));
        }
        return s.toString();
    }
}
