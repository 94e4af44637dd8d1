package io.osprey.spi.bus;

import java.util.Objects;

/**
 * The name of a live stream: {@code app/name}, as in {@code rtmp://host/app/name} and
 * {@code http://host/app/name.flv}.
 *
 * <p>Both parts must match {@code [A-Za-z0-9_][A-Za-z0-9_.-]{0,127}} and may not contain {@code ..}: a stream
 * key is used in file paths and URLs, so separators, dot segments and control characters are refused here,
 * once, for every protocol.
 */
public record StreamKey(String app, String name) {

    /** Longest app or stream name accepted. */
    public static final int MAX_PART_LENGTH = 128;

    public StreamKey {
        check("app", app);
        check("name", name);
    }

    /** Parses {@code app/name}. */
    public static StreamKey parse(String path) {
        Objects.requireNonNull(path, "path");
        int slash = path.indexOf('/');
        if (slash < 0 || slash != path.lastIndexOf('/')) {
            throw new IllegalArgumentException("stream path must be app/name: " + abbreviate(path));
        }
        return new StreamKey(path.substring(0, slash), path.substring(slash + 1));
    }

    /** Whether {@code part} is an acceptable app or stream name. */
    public static boolean isValidPart(String part) {
        if (part == null || part.isEmpty() || part.length() > MAX_PART_LENGTH || part.contains("..")) {
            return false;
        }
        for (int i = 0; i < part.length(); i++) {
            char c = part.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_'
                    || (i > 0 && (c == '-' || c == '.'));
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    private static void check(String what, String part) {
        if (!isValidPart(part)) {
            throw new IllegalArgumentException("invalid stream " + what + " '" + abbreviate(part)
                    + "': use 1.." + MAX_PART_LENGTH + " of A-Z a-z 0-9 _ - . (not first), no '..'");
        }
    }

    private static String abbreviate(String s) {
        if (s == null) {
            return "null";
        }
        String t = s.length() > 40 ? s.substring(0, 40) + "..." : s;
        StringBuilder b = new StringBuilder(t.length());
        for (char c : t.toCharArray()) {
            b.append(c < 0x20 || c == 0x7f ? '?' : c);
        }
        return b.toString();
    }

    /** {@code app/name}. */
    @Override
    public String toString() {
        return app + "/" + name;
    }
}
