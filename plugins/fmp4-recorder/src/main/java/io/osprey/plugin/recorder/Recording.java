package io.osprey.plugin.recorder;

import io.osprey.spi.bus.Frame;
import io.osprey.spi.bus.MediaKind;
import io.osprey.spi.bus.StreamView;
import io.osprey.spi.bus.Subscription;
import io.osprey.spi.bus.SubscriptionListener;
import io.osprey.spi.bus.TrackInfo;
import io.osprey.media.mp4.Fmp4Track;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;

/**
 * Records one live stream: a packager subscription read on the recorder's writer threads (never on a bus thread),
 * frames cut into fMP4 fragments (at least every {@code fragmentMs}, by stream time and by wall clock) and segments
 * (on the first video key frame past {@code segmentMs}, or at {@code maxSegmentMs} without one), written to the
 * merged and/or separate sets of a session folder. The subscription is the only queue: the bus bounds it in frames
 * and bytes and moves a recorder that falls behind (a stalled disk) to the next key frame, which is counted and
 * logged, so the heap never grows with a slow disk. A publisher that never sends a key frame records nothing and
 * holds nothing. A write error (a full disk, no file descriptors left, an I/O error) closes this session only: it is
 * handed to the finisher, which closes it from what is on disk (retried until the disk allows), and the recording
 * resumes in a new session at a key frame after {@code retryMs} (doubling while the errors go on, up to a minute);
 * the live stream goes on throughout. Frames that arrive meanwhile are not recorded.
 *
 * <p>All state is confined to the recording's serial executor.
 */
final class Recording implements SubscriptionListener {

    private static final System.Logger LOG = System.getLogger(Recording.class.getName());
    private static final int BATCH = 128;

    enum State { WAITING, RECORDING, RETRYING, ENDED, FAILED }

    private static final long MAX_RETRY_MS = 60_000;

    private final RecorderPlugin host;
    private final StreamView stream;
    private final RecorderConfig config;
    private final Path mp4Root;
    private final SerialExecutor serial;
    private final List<Frame> batch = new ArrayList<>(BATCH);
    /** Polled frames queued in the fragment being built: released (their payloads reusable) once it is written. */
    private final ArrayDeque<Frame> held = new ArrayDeque<>();
    private boolean kept; // set by frame(): the frame went into a fragment and is now in held
    private volatile Subscription sub;
    private volatile State state = State.WAITING;
    private long dropped;
    private boolean received;
    private boolean waitingLogged;
    private boolean ending;
    private long retryAtNanos;
    private long retryMs;
    private boolean sessionHasMedia;

    // the session being written (RECORDING only)
    private SessionDir session;
    private SessionDir.SessionLock lock;
    private SessionIndex index;
    private TrackInfo video;
    private TrackInfo audio;
    private SegmentOutput merged;
    private SegmentOutput videoOut;
    private SegmentOutput audioOut;
    private long segmentStart;
    private long fragmentStart;
    private long fragmentWallStart;
    private boolean pending;

    /** The plugin's side as a recording sees it. */
    interface RecorderPlugin {
        void merge(SessionDir session, SessionIndex index);

        void failed(Recording r, String reason);

        void dropped(long frames);

        void ended(Recording r);
    }

    Recording(RecorderPlugin host, StreamView stream, RecorderConfig config, Path mp4Root, Executor writers) {
        this.host = host;
        this.stream = stream;
        this.config = config;
        this.mp4Root = mp4Root;
        this.serial = new SerialExecutor(writers);
    }

    void attach(Subscription s) {
        this.sub = s;
        s.demand();
    }

    StreamView stream() {
        return stream;
    }

    State state() {
        return state;
    }

    @Override
    public void onReadable(Subscription s) {
        serial.execute(this::drain);
    }

    /** Periodic: writes a fragment that has waited {@code fragmentMs} of wall-clock time (a stalled publisher). */
    void tick() {
        serial.execute(() -> {
            if (state == State.RECORDING && pending
                    && System.nanoTime() - fragmentWallStart >= config.fragmentMs * 1_000_000L) {
                guarded(this::flushFragments);
            }
        });
    }

    /** Ends the recording (plugin stopping): the session is closed cleanly and handed to the merge. */
    void stop(String reason) {
        serial.execute(() -> end(reason));
    }

    private void drain() {
        Subscription s = sub;
        if (s == null || state == State.ENDED || state == State.FAILED) {
            return;
        }
        for (int round = 0; round < 8; round++) {
            batch.clear();
            int n = s.poll(batch, BATCH);
            long d = s.droppedFrames();
            if (d > dropped && !received) {
                dropped = d; // the bus joins a subscriber at a key frame: what it skips before is not lag
            }
            if (d > dropped) {
                LOG.log(Level.WARNING, "recorder {0}: fell behind, {1} frames skipped to the next key frame",
                        stream.key(), d - dropped);
                host.dropped(d - dropped);
                dropped = d;
            }
            if (n < 0) {
                end("stream ended");
                return;
            }
            if (n == 0) {
                s.demand();
                return;
            }
            received = true;
            for (int i = 0; i < batch.size(); i++) {
                Frame f = batch.get(i);
                kept = false;
                boolean going = guarded(() -> frame(f));
                if (!kept) {
                    f.release();
                }
                if (!going) {
                    batch.subList(i + 1, batch.size()).forEach(Frame::release);
                    batch.clear();
                    releaseHeld();
                    return;
                }
            }
            batch.clear();
        }
        serial.execute(this::drain); // let other recordings on the pool have a turn
    }

    private interface IoTask {
        void run() throws IOException;
    }

    /** Runs {@code task}; a failure closes the session (see {@link #fail}). Returns whether reading goes on. */
    private boolean guarded(IoTask task) {
        try {
            task.run();
            return state != State.FAILED && state != State.ENDED;
        } catch (IOException | RuntimeException e) {
            fail(e);
            return state == State.RETRYING; // reading goes on (frames are skipped) until the retry is due
        }
    }

    private void frame(Frame f) throws IOException {
        if (f.kind() == MediaKind.DATA) {
            return;
        }
        if (state == State.RETRYING) {
            if (System.nanoTime() - retryAtNanos < 0) {
                return; // not recorded: the disk failed a moment ago
            }
            LOG.log(Level.INFO, "recorder {0}: retrying after the write error; a new session starts at the next key"
                    + " frame", stream.key());
            state = State.WAITING;
            waitingLogged = false;
        }
        if (f.isConfig()) {
            if (state == State.RECORDING && changes(f)) {
                LOG.log(Level.INFO, "recorder {0}: codec config changed; closing {1} and starting a new session",
                        stream.key(), session);
                finishSession("ended");
                state = State.WAITING;
            }
            return;
        }
        if (state == State.WAITING && !begin(f)) {
            return;
        }
        boolean isVideo = video != null && f.kind() == MediaKind.VIDEO && f.track() == video.id()
                && f.codec() == video.codec();
        boolean isAudio = audio != null && f.kind() == MediaKind.AUDIO && f.track() == audio.id()
                && f.codec() == audio.codec();
        if (!isVideo && !isAudio) {
            return;
        }
        long span = f.dts() - segmentStart;
        boolean cutPoint = video != null ? isVideo && f.isKey() : isAudio;
        if ((span >= config.segmentMs && cutPoint) || span >= config.maxSegmentMs || span < -config.maxSegmentMs) {
            cut(f.dts(), false);
            segmentStart = f.dts();
        }
        if (pending && (f.dts() - fragmentStart >= config.fragmentMs || pendingBytes() >= config.maxFragmentBytes)) {
            flushFragments();
        }
        if (!pending) {
            pending = true;
            fragmentStart = f.dts();
            fragmentWallStart = System.nanoTime();
        }
        if (merged != null) {
            merged.add(f);
        }
        if (isVideo && videoOut != null) {
            videoOut.add(f);
        }
        if (isAudio && audioOut != null) {
            audioOut.add(f);
        }
        held.add(f);
        kept = true;
    }

    /** Gives up the frames of fragments written (or abandoned). */
    private void releaseHeld() {
        for (Frame f = held.poll(); f != null; f = held.poll()) {
            f.release();
        }
    }

    private boolean changes(Frame config) {
        TrackInfo t = config.kind() == MediaKind.VIDEO ? video : config.kind() == MediaKind.AUDIO ? audio : null;
        return t != null && config.track() == t.id() && (config.codec() != t.codec() || !config.payload()
                .equals(t.config()));
    }

    /** Starts a session at the first video key frame (or the first audio frame of an audio-only stream). */
    private boolean begin(Frame f) throws IOException {
        TrackInfo v = null;
        TrackInfo a = null;
        for (TrackInfo t : stream.tracks()) {
            boolean usable = Fmp4Track.supported(t.codec()) && t.id() == 0
                    && (!t.codec().needsConfig() || t.config().hasRemaining());
            if (usable && t.kind() == MediaKind.VIDEO && v == null) {
                v = t;
            } else if (usable && t.kind() == MediaKind.AUDIO && a == null) {
                a = t;
            }
        }
        boolean start = v != null ? f.isVideoKey() && f.track() == v.id() && f.codec() == v.codec()
                : a != null && f.kind() == MediaKind.AUDIO && f.track() == a.id() && f.codec() == a.codec();
        if (!start) {
            if (!waitingLogged && v != null) {
                waitingLogged = true;
                LOG.log(Level.INFO, "recorder {0}: waiting for a video key frame", stream.key());
            }
            return false;
        }
        video = v;
        audio = a;
        session = SessionDir.create(mp4Root, stream.key(), Instant.now());
        lock = session.lock();
        index = new SessionIndex(session);
        List<TrackInfo> both = new ArrayList<>(2);
        if (v != null) {
            both.add(v);
        }
        if (a != null) {
            both.add(a);
        }
        long origin = f.dts();
        merged = config.mergedSet() ? new SegmentOutput(session.mergeDir(), "init.mp4", "seg", "index.m3u8", both,
                config.fsyncFragments, origin) : null;
        videoOut = config.separateSets() && v != null ? new SegmentOutput(session.separateDir(), "video_init.mp4",
                "video", "video.m3u8", List.of(v), config.fsyncFragments, origin) : null;
        audioOut = config.separateSets() && a != null ? new SegmentOutput(session.separateDir(), "audio_init.mp4",
                "audio", "audio.m3u8", List.of(a), config.fsyncFragments, origin) : null;
        for (SegmentOutput o : outputs()) {
            o.start();
        }
        segmentStart = f.dts();
        pending = false;
        sessionHasMedia = false;
        state = State.RECORDING;
        updateIndex();
        LOG.log(Level.INFO, "recorder {0}: recording to {1} ({2})", stream.key(), session.dir(),
                String.join(", ", outputs().stream().map(SegmentOutput::codecs).toList()));
        return true;
    }

    private List<SegmentOutput> outputs() {
        List<SegmentOutput> out = new ArrayList<>(3);
        for (SegmentOutput o : new SegmentOutput[] {merged, videoOut, audioOut}) {
            if (o != null) {
                out.add(o);
            }
        }
        return out;
    }

    private long pendingBytes() {
        long n = 0;
        for (SegmentOutput o : outputs()) {
            n = Math.max(n, o.pendingBytes());
        }
        return n;
    }

    private void flushFragments() throws IOException {
        for (SegmentOutput o : outputs()) {
            o.flushFragment();
        }
        pending = false;
        sessionHasMedia = true;
        releaseHeld();
    }

    private void cut(long nextStart, boolean last) throws IOException {
        for (SegmentOutput o : outputs()) {
            o.cut(nextStart, last);
        }
        pending = false;
        sessionHasMedia = true;
        retryMs = 0; // a segment closed: the disk works again
        releaseHeld();
        updateIndex();
    }

    private void updateIndex() throws IOException {
        if (merged != null) {
            index.set("merged", SessionDir.MERGE_DIR, merged.initName(), merged.playlistName(),
                    "video/mp4; codecs=\"" + merged.codecs() + "\"", merged.segments());
        }
        if (videoOut != null) {
            index.set("video", SessionDir.SEPARATE_DIR, videoOut.initName(), videoOut.playlistName(),
                    "video/mp4; codecs=\"" + videoOut.codecs() + "\"", videoOut.segments());
        }
        if (audioOut != null) {
            index.set("audio", SessionDir.SEPARATE_DIR, audioOut.initName(), audioOut.playlistName(),
                    "audio/mp4; codecs=\"" + audioOut.codecs() + "\"", audioOut.segments());
        }
        index.write();
    }

    /** Closes the session's last segments, writes the final index and hands the session to the merge. */
    private void finishSession(String finalState) throws IOException {
        try {
            cut(Long.MIN_VALUE, true);
            index.state(finalState);
            index.write();
        } finally {
            releaseSession();
        }
        host.merge(session, index);
        session = null;
        index = null;
    }

    private void releaseSession() {
        for (SegmentOutput o : outputs()) {
            o.close();
        }
        merged = null;
        videoOut = null;
        audioOut = null;
        if (lock != null) {
            lock.close();
            lock = null;
        }
    }

    private void end(String reason) {
        if (state == State.ENDED || state == State.FAILED) {
            return;
        }
        ending = true;
        Subscription s = sub;
        if (s != null) {
            s.close();
        }
        if (state == State.RECORDING) {
            LOG.log(Level.INFO, "recorder {0}: {1}; closing {2}", stream.key(), reason, session);
            if (!guarded(() -> finishSession("ended"))) {
                return;
            }
        }
        state = State.ENDED;
        releaseHeld();
        host.ended(this);
    }

    /**
     * A write failed: the session is closed as far as the disk allows and handed to the finisher (which completes
     * it from the files, retrying while the disk is full); the recording resumes later in a new session, unless the
     * stream or the recorder is ending.
     */
    private void fail(Throwable e) {
        if (state == State.FAILED || state == State.ENDED) {
            return;
        }
        SessionDir failed = session;
        String where = failed != null ? failed.toString() : stream.key().toString();
        retryMs = retryMs == 0 ? config.retryMs : Math.min(MAX_RETRY_MS, retryMs * 2);
        LOG.log(Level.ERROR, "recorder " + where + ": write failed (the live stream goes on): " + e + (ending ? ""
                : "; recording again in a new session in " + retryMs + " ms"), e instanceof IOException ? null : e);
        if (index != null) {
            try {
                index.state("failed");
                index.write();
            } catch (IOException | RuntimeException ignored) {
                // the disk is what failed; the finisher writes the index once it can
            }
        }
        releaseSession();
        releaseHeld();
        pending = false;
        session = null;
        index = null;
        host.failed(this, String.valueOf(e.getMessage()));
        if (failed != null) {
            if (sessionHasMedia) {
                host.merge(failed, null);
            } else {
                failed.deleteIfNoMedia(); // nothing recorded in it: no empty session left behind by retries
            }
        }
        if (ending) {
            state = State.FAILED;
            Subscription s = sub;
            if (s != null) {
                s.close();
            }
            host.ended(this);
            return;
        }
        state = State.RETRYING;
        retryAtNanos = System.nanoTime() + retryMs * 1_000_000L;
    }
}
