package io.osprey.media.codec;

import java.nio.ByteBuffer;
import java.util.HexFormat;

/** Test helper: hex text (spaces, newlines and {@code //} comments ignored) to bytes and back. */
public final class Hex {
    private Hex() {
    }

    public static byte[] bytes(String annotated) {
        StringBuilder s = new StringBuilder();
        for (String line : annotated.split("\n")) {
            int c = line.indexOf("//");
            s.append(c >= 0 ? line.substring(0, c) : line);
        }
        return HexFormat.of().parseHex(s.toString().replaceAll("\\s+", ""));
    }

    public static ByteBuffer buf(String annotated) {
        return ByteBuffer.wrap(bytes(annotated));
    }

    public static String of(ByteBuffer b) {
        byte[] a = new byte[b.remaining()];
        b.duplicate().get(a);
        return HexFormat.of().formatHex(a);
    }

    public static String of(byte[] a) {
        return HexFormat.of().formatHex(a);
    }
}
