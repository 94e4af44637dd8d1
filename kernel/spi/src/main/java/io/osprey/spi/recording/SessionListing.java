package io.osprey.spi.recording;

import io.osprey.spi.bus.StreamKey;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The public listing of one stream's recordings as recorders serve it ({@code GET /mp4/{app}/{stream}/},
 * {@code GET /flv/{app}/{stream}/}; RFC 8259 JSON), newest first, for the recording pages' session picker: one
 * format for every recorder. Names, URLs and states are the recorder's own (plain names checked by
 * {@link StreamKey#isValidPart}), so nothing here needs more escaping than quotes, backslashes and controls.
 *
 * @since 1.1
 */
public final class SessionListing {

    /** At most this many sessions are listed, the newest. */
    public static final int LIMIT = 500;

    private SessionListing() {
    }

    /** {@code {"app","stream","timeZone":"UTC","sessions":[{"id","start","open","state","duration","size","urls"}]}}. */
    public static String json(StreamKey key, List<RecordedSession> sessions) {
        List<RecordedSession> sorted = new ArrayList<>(sessions);
        sorted.sort(Comparator.comparing(RecordedSession::id).reversed());
        StringBuilder b = new StringBuilder(64 + sorted.size() * 160);
        b.append("{\"app\":").append(str(key.app())).append(",\"stream\":").append(str(key.name()))
                .append(",\"timeZone\":\"UTC\",\"sessions\":[");
        for (int i = 0; i < sorted.size(); i++) {
            RecordedSession s = sorted.get(i);
            b.append(i == 0 ? "" : ",").append("{\"id\":").append(str(s.id()))
                    .append(",\"start\":").append(s.start() == null ? "null" : str(s.start().toString()))
                    .append(",\"open\":").append(s.open())
                    .append(",\"state\":").append(str(s.state()))
                    .append(",\"duration\":").append(s.duration() == null ? "null" : s.duration().toString())
                    .append(",\"size\":").append(s.size())
                    .append(",\"urls\":{");
            int j = 0;
            for (var u : s.urls().entrySet()) {
                b.append(j++ == 0 ? "" : ",").append(str(u.getKey())).append(':').append(str(u.getValue()));
            }
            b.append("}}");
        }
        return b.append("]}").toString();
    }

    private static String str(String s) {
        StringBuilder b = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') {
                b.append('\\').append(c);
            } else if (c < 0x20) {
                b.append(String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.append('"').toString();
    }
}
