package io.osprey.plugin.hls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A media playlist parsed for tests, checked on parse against the rules of RFC 8216 4.3 and RFC 8216bis 4.4
 * that this server must obey.
 */
final class M3u8 {
    record Seg(long msn, String uri, double duration, boolean discontinuity, String map, List<PartLine> parts) {
    }

    record PartLine(String uri, double duration, boolean independent) {
    }

    final String text;
    final int version;
    final int targetDuration;
    final long mediaSequence;
    final long discontinuitySequence;
    final double partTarget;
    final Map<String, String> serverControl;
    final int skipped;
    final List<Seg> segments = new ArrayList<>();
    /** Parts listed after the last complete segment (of the segment in progress). */
    final List<PartLine> openParts = new ArrayList<>();
    final String preloadHint;

    M3u8(String text) {
        this.text = text;
        String[] lines = text.split("\n");
        assertEquals("#EXTM3U", lines[0], "4.3.1.1: first line");
        int v = -1;
        int td = -1;
        long ms = 0;
        long ds = 0;
        double pt = -1;
        Map<String, String> sc = Map.of();
        int skip = 0;
        String hint = null;
        boolean disc = false;
        String map = null;
        double extinf = -1;
        List<PartLine> pending = new ArrayList<>();
        long msn = -1;
        boolean independentSegments = false;
        for (int i = 1; i < lines.length; i++) {
            String l = lines[i];
            assertTrue(hint == null, "EXT-X-PRELOAD-HINT must be the last line: " + l);
            if (l.startsWith("#EXT-X-VERSION:")) {
                v = Integer.parseInt(l.substring(15));
            } else if (l.startsWith("#EXT-X-TARGETDURATION:")) {
                td = Integer.parseInt(l.substring(22));
            } else if (l.startsWith("#EXT-X-MEDIA-SEQUENCE:")) {
                ms = Long.parseLong(l.substring(22));
                msn = ms;
            } else if (l.startsWith("#EXT-X-DISCONTINUITY-SEQUENCE:")) {
                ds = Long.parseLong(l.substring(30));
            } else if (l.equals("#EXT-X-INDEPENDENT-SEGMENTS")) {
                independentSegments = true;
            } else if (l.startsWith("#EXT-X-SERVER-CONTROL:")) {
                sc = attributes(l.substring(22));
            } else if (l.startsWith("#EXT-X-PART-INF:")) {
                pt = Double.parseDouble(attributes(l.substring(16)).get("PART-TARGET"));
            } else if (l.startsWith("#EXT-X-SKIP:")) {
                skip = Integer.parseInt(attributes(l.substring(12)).get("SKIPPED-SEGMENTS"));
                msn += skip;
            } else if (l.equals("#EXT-X-DISCONTINUITY")) {
                disc = true;
            } else if (l.startsWith("#EXT-X-MAP:")) {
                map = attributes(l.substring(11)).get("URI");
            } else if (l.startsWith("#EXT-X-PROGRAM-DATE-TIME:")) {
                java.time.OffsetDateTime.parse(l.substring(25)); // ISO 8601, throws if malformed
            } else if (l.startsWith("#EXT-X-PART:")) {
                Map<String, String> a = attributes(l.substring(12));
                pending.add(new PartLine(a.get("URI"), Double.parseDouble(a.get("DURATION")),
                        "YES".equals(a.get("INDEPENDENT"))));
            } else if (l.startsWith("#EXTINF:")) {
                extinf = Double.parseDouble(l.substring(8, l.indexOf(',')));
            } else if (l.startsWith("#EXT-X-PRELOAD-HINT:")) {
                Map<String, String> a = attributes(l.substring(20));
                assertEquals("PART", a.get("TYPE"));
                hint = a.get("URI");
            } else if (!l.startsWith("#") && !l.isEmpty()) {
                assertTrue(extinf >= 0, "4.3.2.1: a URI line needs its EXTINF: " + l);
                segments.add(new Seg(msn++, l, extinf, disc, map, List.copyOf(pending)));
                pending.clear();
                disc = false;
                extinf = -1;
            }
        }
        openParts.addAll(pending);
        version = v;
        targetDuration = td;
        mediaSequence = ms;
        discontinuitySequence = ds;
        partTarget = pt;
        serverControl = sc;
        skipped = skip;
        preloadHint = hint;
        assertTrue(v >= 3, "EXT-X-VERSION present");
        assertTrue(td >= 1, "4.3.3.1: EXT-X-TARGETDURATION is required");
        assertTrue(independentSegments, "EXT-X-INDEPENDENT-SEGMENTS");
        for (Seg s : segments) {
            assertTrue(Math.round(s.duration()) <= td, "4.3.3.1: EXTINF " + s.duration() + " rounds above " + td);
        }
        if (pt > 0) {
            assertTrue(v >= 9, "LL-HLS playlists declare version 9+ (EXT-X-SKIP)");
            assertEquals("YES", sc.get("CAN-BLOCK-RELOAD"), "4.4.3.8: CAN-BLOCK-RELOAD=YES");
            double phb = Double.parseDouble(sc.get("PART-HOLD-BACK"));
            assertTrue(phb >= 3 * pt - 1e-9, "PART-HOLD-BACK " + phb + " >= 3 x PART-TARGET " + pt);
            if (sc.containsKey("CAN-SKIP-UNTIL")) {
                assertTrue(Double.parseDouble(sc.get("CAN-SKIP-UNTIL")) >= 6.0 * td, "CAN-SKIP-UNTIL >= 6 x TD");
            }
            for (Seg s : segments) {
                for (PartLine p : s.parts()) {
                    assertTrue(p.duration() <= pt + 1e-9, "4.4.4.9: part " + p + " longer than PART-TARGET " + pt);
                }
                if (!s.parts().isEmpty()) {
                    assertTrue(s.parts().get(0).independent(), "a segment's first part starts with a key frame");
                }
            }
            for (PartLine p : openParts) {
                assertTrue(p.duration() <= pt + 1e-9, "4.4.4.9: part " + p + " longer than PART-TARGET " + pt);
            }
            assertTrue(hint != null, "6.2.6: the server offers a preload hint for the next part");
        } else {
            assertTrue(openParts.isEmpty() && hint == null, "no LL-HLS tags when low latency is off");
        }
    }

    /** The last complete segment's MSN, or mediaSequence - 1. */
    long lastMsn() {
        return segments.isEmpty() ? mediaSequence + skipped - 1 : segments.get(segments.size() - 1).msn();
    }

    static Map<String, String> attributes(String list) {
        Map<String, String> out = new LinkedHashMap<>();
        int i = 0;
        while (i < list.length()) {
            int eq = list.indexOf('=', i);
            String name = list.substring(i, eq);
            String value;
            if (list.charAt(eq + 1) == '"') {
                int close = list.indexOf('"', eq + 2);
                value = list.substring(eq + 2, close);
                i = close + 1;
            } else {
                int comma = list.indexOf(',', eq);
                value = list.substring(eq + 1, comma < 0 ? list.length() : comma);
                i = comma < 0 ? list.length() : comma;
            }
            out.put(name, value);
            if (i < list.length() && list.charAt(i) == ',') {
                i++;
            }
        }
        return out;
    }
}
