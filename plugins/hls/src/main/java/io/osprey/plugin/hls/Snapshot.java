package io.osprey.plugin.hls;

import java.nio.ByteBuffer;
import java.util.Map;
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

    /** A rendered playlist with its pre-encoded validator. */
    record Rendered(Served body, HttpField etag, String etagValue) {
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
        byte[] text = PlaylistWriter.render(this, settings.lowLatency(), deltaUpdate);
        String tag = "\"" + sid + "-" + version + suffix + "\"";
        return new Rendered(Served.of(ByteBuffer.wrap(text), true), new PreEncodedHttpField(HttpHeader.ETAG, tag),
                tag);
    }

    /** The full playlist. */
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
