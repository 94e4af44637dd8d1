package io.osprey.plugin.hls;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * Renders a media playlist (RFC 8216 4.3, LL-HLS per draft-pantos-hls-rfc8216bis 4.4.3.7-4.4.5.3) from a
 * {@link Snapshot}. Called once per new segment or part; the bytes are then served as they are.
 */
final class PlaylistWriter {

    private static final DateTimeFormatter PDT = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSXXX")
            .withZone(ZoneOffset.UTC);

    private PlaylistWriter() {
    }

    /**
     * The playlist text.
     *
     * @param s          the window
     * @param lowLatency include parts, server control and the preload hint
     * @param delta      a delta update (RFC 8216bis 6.2.5.1): segments before the skip boundary replaced by
     *                   EXT-X-SKIP; ignored unless the snapshot allows skipping
     */
    static byte[] render(Snapshot s, boolean lowLatency, boolean delta) {
        return render(s, lowLatency, delta, null);
    }

    /**
     * As {@link #render(Snapshot, boolean, boolean)}, also noting in {@code uriEnds} (if not null) the offset just
     * past each URI, where {@link Snapshot.Rendered#withQuery} splices a client's query.
     */
    static byte[] render(Snapshot s, boolean lowLatency, boolean delta, UriEnds uriEnds) {
        StringBuilder b = new StringBuilder(256 + s.segments().length * 160 + s.parts().length * 80);
        HlsFormat format = s.settings().format();
        String ext = format.extension();
        int version = lowLatency ? 9 : format == HlsFormat.FMP4 ? 7 : 3;
        b.append("#EXTM3U\n#EXT-X-VERSION:").append(version).append('\n');
        b.append("#EXT-X-TARGETDURATION:").append(s.targetDuration()).append('\n');
        b.append("#EXT-X-MEDIA-SEQUENCE:").append(s.firstMsn()).append('\n');
        b.append("#EXT-X-DISCONTINUITY-SEQUENCE:").append(s.discontinuitySequence()).append('\n');
        b.append("#EXT-X-INDEPENDENT-SEGMENTS\n");
        int skip = 0;
        if (lowLatency) {
            // 4.4.3.8: PART-HOLD-BACK at least twice the Part Target; three times as Apple advises
            b.append("#EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES,PART-HOLD-BACK=");
            seconds(b, 3L * s.settings().partMs());
            if (s.canSkipUntilMs() > 0) {
                b.append(",CAN-SKIP-UNTIL=");
                seconds(b, s.canSkipUntilMs());
                if (delta) {
                    skip = s.skippableSegments();
                }
            }
            b.append("\n#EXT-X-PART-INF:PART-TARGET=");
            seconds(b, s.settings().partMs());
            b.append('\n');
            if (skip > 0) {
                b.append("#EXT-X-SKIP:SKIPPED-SEGMENTS=").append(skip).append('\n');
            }
        }
        Segment[] segments = s.segments();
        int lastInit = -1;
        for (int i = skip; i < segments.length; i++) {
            Segment seg = segments[i];
            lastInit = header(b, s, seg.discontinuity(), seg.init(), lastInit, seg.pdtMillis(), uriEnds);
            if (lowLatency) {
                parts(b, s, seg.msn(), ext, uriEnds);
            }
            b.append("#EXTINF:");
            seconds(b, seg.durationMs());
            b.append(",\n");
            b.append("seg-").append(s.sid()).append('-').append(seg.msn()).append(ext);
            mark(uriEnds, b);
            b.append('\n');
        }
        OpenSegment open = s.open();
        if (lowLatency) {
            if (open != null && s.hasParts(open.msn())) {
                header(b, s, open.discontinuity(), open.init(), lastInit, open.pdtMillis(), uriEnds);
                parts(b, s, open.msn(), ext, uriEnds);
            }
            // 4.4.5.3 / 6.2.6: the next part, whichever segment it ends up in (parts are numbered stream-wide)
            b.append("#EXT-X-PRELOAD-HINT:TYPE=PART,URI=\"part-").append(s.sid()).append('-')
                    .append(s.nextPartNumber()).append(ext);
            mark(uriEnds, b);
            b.append("\"\n");
        }
        return b.toString().getBytes(StandardCharsets.US_ASCII);
    }

    private static void mark(UriEnds ends, StringBuilder b) {
        if (ends != null) {
            ends.add(b.length());
        }
    }

    private static int header(StringBuilder b, Snapshot s, boolean discontinuity, int init, int lastInit, long pdt,
                              UriEnds uriEnds) {
        if (discontinuity) {
            b.append("#EXT-X-DISCONTINUITY\n");
        }
        if (init >= 0 && init != lastInit) {
            b.append("#EXT-X-MAP:URI=\"init-").append(s.sid()).append('-').append(init).append(".mp4");
            mark(uriEnds, b);
            b.append("\"\n");
        }
        b.append("#EXT-X-PROGRAM-DATE-TIME:").append(PDT.format(Instant.ofEpochMilli(pdt))).append('\n');
        return init;
    }

    private static void parts(StringBuilder b, Snapshot s, long msn, String ext, UriEnds uriEnds) {
        Part[] parts = s.parts();
        for (Part p : parts) {
            if (p.msn() != msn) {
                continue;
            }
            b.append("#EXT-X-PART:DURATION=");
            seconds(b, p.durationMs());
            b.append(",URI=\"part-").append(s.sid()).append('-').append(p.number()).append(ext);
            mark(uriEnds, b);
            b.append('"');
            if (p.independent()) {
                b.append(",INDEPENDENT=YES");
            }
            b.append('\n');
        }
    }

    /** Offsets just past each URI of a rendered playlist, in order. */
    static final class UriEnds {
        private int[] at = new int[32];
        private int n;

        void add(int offset) {
            if (n == at.length) {
                at = java.util.Arrays.copyOf(at, n * 2);
            }
            at[n++] = offset;
        }

        int[] toArray() {
            return java.util.Arrays.copyOf(at, n);
        }
    }

    /** Milliseconds as decimal seconds with three places, independent of the locale. */
    static void seconds(StringBuilder b, long ms) {
        b.append(ms / 1000).append('.');
        long frac = ms % 1000;
        if (frac < 100) {
            b.append('0');
        }
        if (frac < 10) {
            b.append('0');
        }
        b.append(frac);
    }
}
