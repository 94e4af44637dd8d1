package io.osprey.bench.viewer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/** Gathers an HTTP/1.1 response head (status line and headers, up to a limit) from pieces of input. */
final class ResponseHead {

    private final int max;
    private byte[] buf = new byte[512];
    private int size;
    private int status;
    private final Map<String, String> headers = new HashMap<>();

    ResponseHead(int max) {
        this.max = max;
    }

    /** Consumes head bytes from {@code in}; true once the blank line is read (the body starts at in's position). */
    boolean feed(ByteBuffer in) throws IOException {
        while (in.hasRemaining()) {
            if (size == buf.length) {
                if (size >= max) {
                    throw new IOException("response head larger than " + max + " bytes");
                }
                buf = java.util.Arrays.copyOf(buf, Math.min(max, size * 2));
            }
            buf[size++] = in.get();
            if (size >= 4 && buf[size - 1] == '\n' && buf[size - 2] == '\r' && buf[size - 3] == '\n'
                    && buf[size - 4] == '\r') {
                parse();
                buf = null;
                return true;
            }
        }
        return false;
    }

    private void parse() throws IOException {
        String[] lines = new String(buf, 0, size, StandardCharsets.ISO_8859_1).split("\r\n");
        String[] first = lines[0].split(" ", 3);
        if (first.length < 2 || !first[0].startsWith("HTTP/1.")) {
            throw new IOException("not an HTTP/1.x response: " + lines[0]);
        }
        try {
            status = Integer.parseInt(first[1]);
        } catch (NumberFormatException e) {
            throw new IOException("bad status line: " + lines[0]);
        }
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon > 0) {
                headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
                        lines[i].substring(colon + 1).trim());
            }
        }
    }

    int status() {
        return status;
    }

    /** A header's value (name in any case), or "". */
    String header(String name) {
        return headers.getOrDefault(name.toLowerCase(Locale.ROOT), "");
    }
}
