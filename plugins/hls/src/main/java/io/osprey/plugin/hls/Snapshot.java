package io.osprey.plugin.hls;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.PreEncodedHttpField;

/**
 * One immutable state of a stream's window, published by the packager after each new part or segment and read by
 * any number of request threads without locks: the segments, the retained parts, the init sections and the
 * playlist rendered once.
 */
final class Snapshot {
    private final String sid;
    private final long version;
    private final StreamSettings settings;
    private final Segment[] segments;
    private final Part[] parts;
    private final OpenSegment open;
    private final long nextMsn;
    private final long nextPartNumber;
    private final Map<Integer, Served> inits;
    private final int targetDuration;
    private final int discontinuitySequence;
    private final Rendered playlist;
    private final AtomicReference<Rendered> delta = new AtomicReference<>();
    /** Renderings carrying a client's query (signed URLs), one per distinct query and kind; bounded. */
    private final ConcurrentHashMap<String, Rendered> carried = new ConcurrentHashMap<>();
    static final int MAX_CARRIED = 64;

    /**
     * A rendered playlist with its pre-encoded validator and where its URIs end.
     *
     * @param text    the playlist's bytes
     * @param uriEnds offsets just past each URI in {@code text}
     */
    record Rendered(Served body, HttpField etag, String etagValue, byte[] text, int[] uriEnds) {

        /** This playlist with {@code ?query} appended to every URI: one copy, no re-rendering. */
        Rendered withQuery(String query) {
            byte[] q = ("?" + query).getBytes(StandardCharsets.US_ASCII);
            byte[] out = new byte[text.length + q.length * uriEnds.length];
            int from = 0;
            int to = 0;
            for (int end : uriEnds) {
                System.arraycopy(text, from, out, to, end - from);
                to += end - from;
                System.arraycopy(q, 0, out, to, q.length);
                to += q.length;
                from = end;
            }
            System.arraycopy(text, from, out, to, text.length - from);
            return new Rendered(Served.of(ByteBuffer.wrap(out), true), etag, etagValue, out, uriEnds);
        }
    }

    Snapshot(String sid, long version, StreamSettings settings, Segment[] segments, Part[] parts, OpenSegment open,
             long nextMsn, long nextPartNumber, Map<Integer, Served> inits, int targetDuration,
             int discontinuitySequence) {
        this.sid = sid;
        this.version = version;
        this.settings = settings;
        this.segments = segments;
        this.parts = parts;
        this.open = open;
        this.nextMsn = nextMsn;
        this.nextPartNumber = nextPartNumber;
        this.inits = inits;
        this.targetDuration = targetDuration;
        this.discontinuitySequence = discontinuitySequence;
        this.playlist = render(false, "");
    }

    private Rendered render(boolean deltaUpdate, String suffix) {
        PlaylistWriter.UriEnds ends = new PlaylistWriter.UriEnds();
        byte[] text = PlaylistWriter.render(this, settings.lowLatency(), deltaUpdate, ends);
        String tag = "\"" + sid + "-" + version + suffix + "\"";
        return new Rendered(Served.of(ByteBuffer.wrap(text), true), new PreEncodedHttpField(HttpHeader.ETAG, tag),
                tag, text, ends.toArray());
    }

    /**
     * The full or delta playlist with {@code query} (already checked to be URI-safe) carried over to every URI, so
     * a signed playlist URL signs its segments, parts and init sections too. Spliced once per snapshot and distinct
     * query; past {@link #MAX_CARRIED} queries each request splices its own copy.
     */
    Rendered playlist(String query, boolean deltaUpdate) {
        Rendered base = deltaUpdate ? deltaPlaylist() : playlist;
        String k = (deltaUpdate ? "d" : "f") + query;
        Rendered r = carried.get(k);
        if (r == null) {
            r = base.withQuery(query);
            if (carried.size() < MAX_CARRIED) {
                Rendered prev = carried.putIfAbsent(k, r);
                r = prev != null ? prev : r;
            }
        }
        return r;
    }

    /** The full playlist. */
    /** The playlist a request gets: carrying {@code carry} into its URIs when not null, else the shared one. */
    Rendered rendered(boolean deltaUpdate, String carry) {
        return carry != null ? playlist(carry, deltaUpdate) : deltaUpdate ? deltaPlaylist() : playlist();
    }

    Rendered playlist() {
        return playlist;
    }

    /** The delta update (rendered on first use), or the full playlist when nothing can be skipped. */
    Rendered deltaPlaylist() {
        if (canSkipUntilMs() <= 0 || skippableSegments() == 0) {
            return playlist;
        }
        Rendered r = delta.get();
        if (r == null) {
            r = render(true, "-d");
            if (!delta.compareAndSet(null, r)) {
                r = delta.get();
            }
        }
        return r;
    }

    /** The playlist without LL-HLS tags (for the disk mirror, which external servers serve without blocking). */
    byte[] plainPlaylist() {
        return PlaylistWriter.render(this, false, false);
    }

    String sid() {
        return sid;
    }

    long version() {
        return version;
    }

    StreamSettings settings() {
        return settings;
    }

    Segment[] segments() {
        return segments;
    }

    Part[] parts() {
        return parts;
    }

    OpenSegment open() {
        return open;
    }

    long firstMsn() {
        return segments.length > 0 ? segments[0].msn() : nextMsn;
    }

    /** MSN of the newest complete segment, -1 if none. */
    long lastMsn() {
        return nextMsn - 1;
    }

    long nextPartNumber() {
        return nextPartNumber;
    }

    int targetDuration() {
        return targetDuration;
    }

    int discontinuitySequence() {
        return discontinuitySequence;
    }

    Segment segment(long msn) {
        if (segments.length == 0) {
            return null;
        }
        long i = msn - segments[0].msn();
        return i >= 0 && i < segments.length ? segments[(int) i] : null;
    }

    Part part(long number) {
        if (parts.length == 0) {
            return null;
        }
        long i = number - parts[0].number();
        return i >= 0 && i < parts.length ? parts[(int) i] : null;
    }

    Served init(int index) {
        return inits.get(index);
    }

    boolean hasParts(long msn) {
        for (Part p : parts) {
            if (p.msn() == msn) {
                return true;
            }
        }
        return false;
    }

    /** The newest part, or null. */
    Part lastPart() {
        return parts.length == 0 ? null : parts[parts.length - 1];
    }

    /**
     * Whether a blocking reload for {@code _HLS_msn=msn} (and {@code _HLS_part=part}, -1 if absent) can be answered
     * now (RFC 8216bis 6.2.5.2): the segment is complete, or a part at or after (msn, part) exists.
     */
    boolean satisfies(long msn, int part) {
        if (lastMsn() >= msn && (part < 0 || lastMsn() > msn)) {
            return true;
        }
        if (part < 0) {
            return false;
        }
        Part last = lastPart();
        return last != null && (last.msn() > msn || (last.msn() == msn && last.index() >= part));
    }

    /** CAN-SKIP-UNTIL in ms: six target durations (4.4.3.8), offered only when the window is longer. */
    long canSkipUntilMs() {
        long until = 6_000L * targetDuration;
        return (long) settings.window() * settings.segmentMs() > until ? until : 0;
    }

    /** Leading segments a delta update replaces: those wholly before the skip boundary. */
    int skippableSegments() {
        long until = canSkipUntilMs();
        long remaining = 0;
        for (Segment s : segments) {
            remaining += s.durationMs();
        }
        int n = 0;
        while (n < segments.length && remaining - segments[n].durationMs() >= until) {
            remaining -= segments[n].durationMs();
            n++;
        }
        return n;
    }

    /** Bytes this window holds (segments, parts, inits; parts may share a segment's bytes). */
    long bytesHeld() {
        long n = playlist.body().size();
        for (Segment s : segments) {
            n += s.body().size();
        }
        for (Part p : parts) {
            n += p.body().size();
        }
        for (Served i : inits.values()) {
            n += i.size();
        }
        return n;
    }
}
