package io.osprey.plugin.hls;

import io.osprey.spi.bus.Frame;
import io.osprey.spi.bus.MediaKind;
import io.osprey.spi.bus.TrackInfo;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * Cuts one stream's frames into segments and LL-HLS parts (RFC 8216 3, 6.2.1; RFC 8216bis 4.4.4.9).
 *
 * <p>With video, segments start on a video key frame: a segment ends at the first key frame at or after the target
 * duration. Audio-only streams are cut on time. A part ends as soon as the next frame of the driving track (video,
 * or audio without video) would not fit in the part target, predicted from the frame interval, so a part is
 * published the moment its last frame arrives rather than when the next one does. Frames of the other track that
 * arrive between two parts wait for the next part.
 *
 * <p>A new epoch (new muxer, new fMP4 init section, EXT-X-DISCONTINUITY) begins when a codec config changes, a
 * publisher returns ({@link Frame#isDiscontinuity()}) or timestamps jump. A segment that reaches the size or time
 * bound without a key frame is closed and frames are dropped to the next key frame, so memory stays bounded
 * whatever the publisher sends. Not thread-safe: one bus thread at a time.
 *
 * <p>Segment memory: the muxer takes it from the window's pool and hands each part and segment to the window
 * with one reference (see {@link MediaWindow}). After an internal error the muxer is dropped without releasing
 * the segment in progress (its state is not trusted); the collector frees that memory.
 */
final class HlsPackager {
    private static final System.Logger LOG = System.getLogger(HlsPackager.class.getName());
    private static final long NONE = Long.MIN_VALUE;
    private static final int MAX_HELD = 256;

    private final String name;
    private StreamSettings settings;
    private StreamSettings pending;
    private final MediaWindow window;
    private final LongSupplier clock;
    private final List<Frame> held = new ArrayList<>();
    private TrackInfo video;
    private TrackInfo audio;
    private SegmentMuxer muxer;
    private boolean hasVideo;
    private int init = -1;
    private boolean produced;
    private boolean pendingDiscontinuity;
    private boolean waitingForKey = true;
    private boolean segmentOpen;
    private long segmentStart;
    private boolean partOpen;
    private long partStart;
    private boolean partIndependent;
    private long lastDts = NONE;
    private long interval = 40;
    private long pdtBase = NONE;
    private long dropped;
    private long failures;
    private boolean unsupportedLogged;

    HlsPackager(String name, StreamSettings settings, MediaWindow window, LongSupplier clock) {
        this.name = name;
        this.settings = settings;
        this.window = window;
        this.clock = clock;
    }

    MediaWindow window() {
        return window;
    }

    /**
     * New settings for this stream (live reconfiguration), applied between two segments so that each segment is
     * cut with one setting: at the next segment cut, or at once while no segment is open. A new format starts a
     * new epoch (new muxer and init section, EXT-X-DISCONTINUITY on the next segment).
     */
    void reconfigure(StreamSettings next, List<TrackInfo> streamTracks) {
        pending = next;
        if (!segmentOpen) {
            applyPending(streamTracks, false);
        }
    }

    private void applyPending(List<TrackInfo> streamTracks, boolean atKey) {
        StreamSettings next = pending;
        pending = null;
        if (next == null || next.equals(settings)) {
            return;
        }
        boolean formatChanged = next.format() != settings.format();
        settings = next;
        window.reconfigure(next);
        if (formatChanged) {
            clearHeld();
            dropMuxer();
            pendingDiscontinuity = produced;
            if (startEpoch(streamTracks) && atKey) {
                waitingForKey = false; // at a cut, on the key frame that opens the next segment
            }
        }
    }

    /** Frames dropped while waiting for a key frame. */
    long dropped() {
        return dropped;
    }

    /** Internal errors recovered from by starting a new epoch (should stay 0). */
    long failures() {
        return failures;
    }

    /** Takes one frame of the stream; {@code streamTracks} are the stream's declared tracks now. */
    void accept(Frame f, List<TrackInfo> streamTracks) {
        try {
            if (f.kind() == MediaKind.DATA || f.track() != 0) {
                return;
            }
            if (f.isConfig()) {
                config(f, streamTracks);
            } else {
                media(f, streamTracks);
            }
        } catch (RuntimeException e) {
            failures++;
            LOG.log(System.Logger.Level.WARNING, "hls " + name + ": packaging failed, starting a new epoch", e);
            muxer = null;
            segmentOpen = false;
            partOpen = false;
            clearHeld();
            window.abandonSegment();
            pendingDiscontinuity = produced;
        }
    }

    /** The stream ended: the segment in progress is never completed; its memory goes back to the pool. */
    void end() {
        window.abandonSegment();
        segmentOpen = false;
        partOpen = false;
        clearHeld();
        dropMuxer();
    }

    private void dropMuxer() {
        if (muxer != null) {
            muxer.close();
            muxer = null;
        }
    }

    private void config(Frame f, List<TrackInfo> streamTracks) {
        TrackInfo base = declared(streamTracks, f.kind());
        TrackInfo t = new TrackInfo(0, f.codec(), f.payload(), base != null ? base.width() : 0,
                base != null ? base.height() : 0, base != null ? base.frameRate() : 0,
                base != null ? base.sampleRate() : 0, base != null ? base.channels() : 0);
        TrackInfo current = f.kind() == MediaKind.VIDEO ? video : audio;
        if (current != null && current.sameConfig(t)) {
            return;
        }
        if (f.kind() == MediaKind.VIDEO) {
            video = t;
        } else {
            audio = t;
        }
        if (muxer != null) {
            endEpoch(estimatedEnd(), true); // 6.2.1: a change of encoding parameters is a discontinuity
        }
    }

    private void media(Frame f, List<TrackInfo> streamTracks) {
        if (f.isDiscontinuity() && muxer != null) {
            endEpoch(estimatedEnd(), true);
            pdtBase = NONE;
        }
        if (pending != null && !segmentOpen) {
            applyPending(streamTracks, false);
        }
        if (muxer == null && !startEpoch(streamTracks)) {
            dropped++;
            return;
        }
        TrackInfo carried = f.kind() == MediaKind.VIDEO ? (hasVideo ? video : null) : audio;
        if (carried == null || carried.codec() != f.codec()) {
            return;
        }
        boolean driving = hasVideo == (f.kind() == MediaKind.VIDEO);
        if (driving && lastDts != NONE && (f.dts() < lastDts - 1000
                || f.dts() > lastDts + Math.max(5000, 2L * settings.segmentMs()))) {
            endEpoch(estimatedEnd(), false); // a timestamp jump the publisher did not flag
            pdtBase = NONE;
        }
        if (waitingForKey) {
            if (hasVideo && !(driving && f.isKey())) {
                dropped++;
                return;
            }
            waitingForKey = false;
        }
        if (driving) {
            driving(f, streamTracks);
        } else {
            other(f);
        }
    }

    private void driving(Frame f, List<TrackInfo> streamTracks) {
        long dts = f.dts();
        boolean key = f.isKey();
        if (segmentOpen) {
            long elapsed = dts - segmentStart;
            boolean cut = hasVideo ? key && elapsed + interval / 2 >= settings.segmentMs()
                    : elapsed + interval > settings.segmentMs();
            if (cut) {
                closeSegment(dts);
                if (pending != null) {
                    applyPending(streamTracks, true);
                    if (muxer == null) {
                        dropped++; // the new format carries none of the tracks
                        return;
                    }
                }
            } else if (elapsed >= settings.maxSegmentMs() || muxer.segmentBytes() >= settings.maxSegmentBytes()) {
                closeSegment(dts);
                pendingDiscontinuity = true;
                if (hasVideo && !key) {
                    waitingForKey = true;
                    clearHeld();
                    dropped++;
                    return;
                }
            } else if (settings.lowLatency() && partOpen && muxer.framesSinceCut() > 0
                    && dts + interval - partStart > settings.partMs()) {
                closePart(dts);
            }
        }
        if (!segmentOpen) {
            openSegment(dts);
        }
        if (settings.lowLatency() && !partOpen) {
            openPart(dts, key);
        }
        flushHeld();
        muxer.add(f);
        if (lastDts != NONE && dts > lastDts) {
            interval = Math.max(1, Math.min(1000, dts - lastDts));
        }
        lastDts = Math.max(dts, lastDts == NONE ? dts : lastDts);
        if (settings.lowLatency()) {
            long next = dts + interval;
            if (next + interval - partStart > settings.partMs()) {
                closePart(next); // the next frame would not fit: the part is complete now
            }
        }
    }

    private void other(Frame f) {
        if (!segmentOpen) {
            dropped++;
            return;
        }
        if (settings.lowLatency() && !partOpen) {
            held.add(f.retain()); // kept past the poll: see flushHeld
            if (held.size() >= MAX_HELD) {
                openPart(held.get(0).dts(), false);
                flushHeld();
            }
            return;
        }
        muxer.add(f);
    }

    private void flushHeld() {
        for (Frame h : held) {
            muxer.add(h);
            h.release();
        }
        held.clear();
    }

    private void clearHeld() {
        held.forEach(Frame::release);
        held.clear();
    }

    private boolean startEpoch(List<TrackInfo> streamTracks) {
        if (video == null) {
            video = usable(declared(streamTracks, MediaKind.VIDEO));
        }
        if (audio == null) {
            audio = usable(declared(streamTracks, MediaKind.AUDIO));
        }
        List<TrackInfo> tracks = new ArrayList<>(2);
        hasVideo = video != null && SegmentMuxer.carries(settings.format(), video.codec());
        if (hasVideo) {
            tracks.add(video);
        }
        if (audio != null && SegmentMuxer.carries(settings.format(), audio.codec())) {
            tracks.add(audio);
        } else {
            audio = null;
        }
        if (tracks.isEmpty()) {
            if (!unsupportedLogged) {
                unsupportedLogged = true;
                LOG.log(System.Logger.Level.INFO, "hls " + name + ": no track " + settings.format()
                        + " can carry; not packaged until the codecs change");
            }
            return false;
        }
        muxer = SegmentMuxer.of(settings.format(), tracks, window.pool(), window.direct());
        ByteBuffer initBytes = muxer.init();
        init = initBytes != null ? window.addInit(initBytes) : -1;
        waitingForKey = hasVideo;
        clearHeld();
        lastDts = NONE;
        interval = hasVideo ? frameInterval(video) : audioInterval(audio);
        return true;
    }

    private void endEpoch(long endDts, boolean dropMuxer) {
        if (segmentOpen) {
            closeSegment(endDts);
        }
        clearHeld();
        partOpen = false;
        pendingDiscontinuity = produced;
        waitingForKey = hasVideo;
        lastDts = NONE;
        if (dropMuxer) {
            dropMuxer();
        }
    }

    private long estimatedEnd() {
        return lastDts != NONE ? lastDts + interval : segmentStart;
    }

    private void openSegment(long dts) {
        if (pdtBase == NONE) {
            pdtBase = clock.getAsLong() - dts;
        }
        window.openSegment(pdtBase + dts, pendingDiscontinuity, init);
        pendingDiscontinuity = false;
        segmentOpen = true;
        segmentStart = dts;
    }

    private void openPart(long dts, boolean independent) {
        partOpen = true;
        partStart = dts;
        partIndependent = independent;
    }

    private void closePart(long endDts) {
        if (!partOpen) {
            return;
        }
        partOpen = false;
        Served bytes = muxer.cutPart();
        if (bytes != null) {
            long duration = Math.max(0, Math.min(settings.partMs(), endDts - partStart));
            window.addPart(bytes, duration, partIndependent);
        }
    }

    private void closeSegment(long endDts) {
        if (settings.lowLatency()) {
            closePart(endDts);
        }
        partOpen = false;
        segmentOpen = false;
        Served bytes = muxer.finishSegment();
        window.closeSegment(bytes, segmentStart, endDts - segmentStart);
        if (bytes != null) {
            produced = true;
        }
    }

    private static TrackInfo declared(List<TrackInfo> tracks, MediaKind kind) {
        for (TrackInfo t : tracks) {
            if (t.kind() == kind && t.id() == 0) {
                return t;
            }
        }
        return null;
    }

    /** A declared track whose config is known (or not needed). */
    private static TrackInfo usable(TrackInfo t) {
        return t != null && (t.config().hasRemaining() || !t.codec().needsConfig()) ? t : null;
    }

    private static long frameInterval(TrackInfo v) {
        return v.frameRate() >= 1 ? Math.max(1, Math.round(1000 / v.frameRate())) : 40;
    }

    private static long audioInterval(TrackInfo a) {
        int rate = a != null && a.sampleRate() > 0 ? a.sampleRate() : 44100;
        return Math.max(1, 1024L * 1000 / rate);
    }
}
