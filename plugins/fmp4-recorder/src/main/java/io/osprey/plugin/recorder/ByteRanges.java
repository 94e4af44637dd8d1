package io.osprey.plugin.recorder;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * The {@code Range} header of a GET (RFC 9110 14.1.2, 14.2): {@code bytes=} then comma-separated
 * {@code first-last}, {@code first-} or {@code -suffix}. Ranges are checked against the representation's size,
 * sorted and coalesced where they overlap or touch (so {@code 0-0,0-0,...} costs one part), and bounded in number
 * (HOSTILE-INPUTS F9). A range unit other than {@code bytes} is ignored (the whole file is sent); a malformed,
 * unsatisfiable or excessive set is refused with {@code 416} (15.5.17).
 */
final class ByteRanges {

    /** An inclusive byte range within the file. */
    record Range(long first, long last) {
        long length() {
            return last - first + 1;
        }

        String contentRange(long size) {
            return "bytes " + first + "-" + last + "/" + size;
        }
    }

    /** The Range header cannot be honoured: answer 416 with {@code Content-Range: bytes *&#47;size}. */
    static final class Unsatisfiable extends Exception {
        private static final long serialVersionUID = 1L;

        Unsatisfiable(String reason) {
            super(reason, null, false, false);
        }
    }

    static final int MAX_HEADER = 4096;
    private static final int MAX_DIGITS = 18;

    private ByteRanges() {
    }

    /**
     * The ranges to send, or null to send the whole file (no header, or a unit we do not serve).
     *
     * @throws Unsatisfiable for a malformed header, more than {@code maxRanges} ranges, or none satisfiable
     */
    static List<Range> parse(String header, long size, int maxRanges) throws Unsatisfiable {
        if (header == null) {
            return null;
        }
        String h = header.trim();
        int eq = h.indexOf('=');
        if (eq < 0) {
            throw new Unsatisfiable("no '=' in Range");
        }
        if (!h.substring(0, eq).trim().toLowerCase(Locale.ROOT).equals("bytes")) {
            return null; // 14.2: a recipient ignores a range unit it does not understand
        }
        if (h.length() > MAX_HEADER) {
            throw new Unsatisfiable("Range header longer than " + MAX_HEADER);
        }
        List<Range> out = new ArrayList<>();
        int specs = 0;
        for (String part : h.substring(eq + 1).split(",", -1)) {
            String spec = part.trim();
            if (spec.isEmpty()) {
                continue; // 5.6.1: empty list elements are allowed and ignored
            }
            if (++specs > maxRanges) {
                throw new Unsatisfiable("more than " + maxRanges + " ranges");
            }
            int dash = spec.indexOf('-');
            if (dash < 0 || dash != spec.lastIndexOf('-')) {
                throw new Unsatisfiable("bad range '" + abbreviate(spec) + "'");
            }
            String a = spec.substring(0, dash).trim();
            String b = spec.substring(dash + 1).trim();
            if (a.isEmpty()) {
                long suffix = number(b);
                if (suffix > 0 && size > 0) {
                    out.add(new Range(Math.max(0, size - suffix), size - 1));
                }
                continue;
            }
            long first = number(a);
            long last = b.isEmpty() ? Long.MAX_VALUE : number(b);
            if (last < first) {
                throw new Unsatisfiable("range " + first + "-" + last + " ends before it starts");
            }
            if (first < size) {
                out.add(new Range(first, Math.min(last, size - 1)));
            }
        }
        if (out.isEmpty()) {
            throw new Unsatisfiable("no satisfiable range for " + size + " bytes");
        }
        out.sort(Comparator.comparingLong(Range::first));
        List<Range> merged = new ArrayList<>(out.size());
        Range cur = out.get(0);
        for (int i = 1; i < out.size(); i++) {
            Range r = out.get(i);
            if (r.first() <= cur.last() + 1) {
                cur = new Range(cur.first(), Math.max(cur.last(), r.last()));
            } else {
                merged.add(cur);
                cur = r;
            }
        }
        merged.add(cur);
        return merged;
    }

    private static long number(String s) throws Unsatisfiable {
        if (s.isEmpty() || s.length() > MAX_DIGITS) {
            throw new Unsatisfiable("bad range number '" + abbreviate(s) + "'");
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                throw new Unsatisfiable("bad range number '" + abbreviate(s) + "'");
            }
        }
        return Long.parseLong(s);
    }

    private static String abbreviate(String s) {
        String t = s.length() > 32 ? s.substring(0, 32) + "..." : s;
        return t.replaceAll("[^\\x20-\\x7e]", "?");
    }
}
