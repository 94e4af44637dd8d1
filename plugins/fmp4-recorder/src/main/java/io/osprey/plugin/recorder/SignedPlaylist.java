package io.osprey.plugin.recorder;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A recorded HLS playlist served with the query it was asked with (a signed {@code expires=…&sign=…}, a token)
 * appended to every URI it lists (RFC 8216 4.3.2: URI lines; 4.3.2.5 {@code EXT-X-MAP:URI}), so a player given a
 * signed playlist URL fetches the signed segments. Only a query of URI-safe characters is carried.
 */
final class SignedPlaylist {

    private static final int MAX_QUERY = 1024;
    private static final long MAX_PLAYLIST = 8L << 20;

    private SignedPlaylist() {
    }

    /** The query to carry, or null when there is none or it holds characters unsafe in a quoted attribute. */
    static String carry(String query) {
        if (query == null || query.isEmpty() || query.length() > MAX_QUERY) {
            return null;
        }
        for (int i = 0; i < query.length(); i++) {
            char c = query.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-'
                    || c == '.' || c == '_' || c == '~' || c == '%' || c == '=' || c == '+' || c == '&';
            if (!ok) {
                return null;
            }
        }
        return query;
    }

    /**
     * The playlist at {@code file} ({@code size} bytes, as the caller just read it) with {@code ?query} after each
     * URI; null if it is too large to rewrite.
     */
    static byte[] render(Path file, long size, String query) throws IOException {
        if (size > MAX_PLAYLIST) {
            return null;
        }
        String q = "?" + query;
        StringBuilder out = new StringBuilder((int) size + 64);
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            if (line.isBlank()) {
                out.append(line);
            } else if (!line.startsWith("#")) {
                out.append(line).append(q);
            } else {
                int at = line.indexOf("URI=\"");
                int end = at < 0 ? -1 : line.indexOf('"', at + 5);
                out.append(end < 0 ? line : line.substring(0, end) + q + line.substring(end));
            }
            out.append('\n');
        }
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }
}
