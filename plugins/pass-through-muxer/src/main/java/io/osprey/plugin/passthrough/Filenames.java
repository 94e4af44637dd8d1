package io.osprey.plugin.passthrough;

import java.nio.charset.StandardCharsets;

/** A safe download file name and its Content-Disposition (RFC 6266 with an RFC 8187 {@code filename*}). */
final class Filenames {

    private Filenames() {
    }

    /** Letters, digits, space, dot, dash, underscore (any script), at most 100 characters, ending in .mp4. */
    static String safe(String wanted) {
        String s = wanted == null ? "" : wanted;
        if (s.toLowerCase().endsWith(".mp4")) {
            s = s.substring(0, s.length() - 4);
        }
        StringBuilder b = new StringBuilder();
        s.codePoints().forEach(c -> {
            boolean ok = Character.isLetterOrDigit(c) || c == ' ' || c == '-' || c == '_' || c == '.';
            b.appendCodePoint(ok ? c : '_');
        });
        String t = b.toString().replaceAll("_+", "_").replaceAll("\\.{2,}", ".").strip();
        while (t.startsWith(".") || t.startsWith("_")) {
            t = t.substring(1);
        }
        if (t.codePointCount(0, t.length()) > 100) {
            t = t.substring(0, t.offsetByCodePoints(0, 100));
        }
        return (t.isBlank() ? "download" : t) + ".mp4";
    }

    static String disposition(String safeName) {
        StringBuilder ascii = new StringBuilder();
        for (char c : safeName.toCharArray()) {
            ascii.append(c < 0x80 ? c : '_');
        }
        StringBuilder enc = new StringBuilder();
        for (byte x : safeName.getBytes(StandardCharsets.UTF_8)) {
            int c = x & 0xff;
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '-'
                    || c == '_') {
                enc.append((char) c);
            } else {
                enc.append('%').append(String.format("%02X", c));
            }
        }
        return "attachment; filename=\"" + ascii + "\"; filename*=UTF-8''" + enc;
    }
}
