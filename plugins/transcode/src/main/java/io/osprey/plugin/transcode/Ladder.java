package io.osprey.plugin.transcode;

import io.osprey.media.flv.FlvFormatException;
import io.osprey.media.flv.FlvHeader;
import io.osprey.media.flv.FlvMedia;
import io.osprey.media.flv.FlvReader;
import io.osprey.spi.bus.Codec;
import io.osprey.spi.bus.Frame;
import io.osprey.spi.bus.MediaBus;
import io.osprey.spi.bus.MediaKind;
import io.osprey.spi.bus.StreamKey;
import io.osprey.spi.bus.StreamNotFoundException;
import io.osprey.spi.bus.StreamView;
import io.osprey.spi.bus.SubscribeOptions;
import io.osprey.spi.bus.Subscription;
import io.osprey.spi.bus.TrackInfo;
import io.osprey.spi.worker.Tool;
import io.osprey.spi.worker.Worker;
import io.osprey.spi.worker.WorkerExit;
import io.osprey.spi.worker.WorkerOutput;
import io.osprey.spi.worker.WorkerSpec;
import io.osprey.spi.worker.Workers;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * One source's ladder, supervised: a run is a bus subscription to the source feeding one ffmpeg child on stdin
 * (FLV) and a {@link RenditionDemux} publishing its stdout. The child starts at the first frames, when the source's
 * tracks are known. A child that crashes or stalls is replaced after a back-off (doubling, reset after a minute of
 * good running) and the renditions' viewers stay attached (the publishers disconnect, the next run continues the
 * streams); a change of the source's video resolution ends the run at once and starts a fresh one. The source
 * itself is only read: its viewers never notice. Frames the child cannot take (the stdin queue is full) are
 * dropped up to the next key frame and counted.
 *
 * <p>Threading: the subscription callbacks run on bus threads, the demux on the worker's stdout thread, the rest
 * (start, stop, checks) on any thread under this object's lock.
 */
final class Ladder {

    /** How long a ladder waits for an announced audio track after the video config arrived. */
    private static final long AUDIO_WAIT_NANOS = 3_000_000_000L;

    private static final System.Logger LOG = System.getLogger(Ladder.class.getName());

    final StreamKey source;
    final List<TranscodeConfig.Rendition> renditions;
    final CompletableFuture<Void> published = new CompletableFuture<>();
    final LadderStats stats;
    private final MediaBus bus;
    private final Workers workers;
    private final TranscodeConfig config;
    private final String encoder;
    private final Restarter restarter;
    private final Consumer<Ladder> onEnd;
    private final long startedNanos = System.nanoTime();
    private Run run;
    private boolean stopped;
    private long backoffMs;
    private int restarts;

    /** Schedules a restart: {@code (delayMs, task)}. */
    interface Restarter {
        void after(long delayMs, Runnable task);
    }

    Ladder(StreamKey source, List<TranscodeConfig.Rendition> renditions, MediaBus bus, Workers workers,
           TranscodeConfig config, String encoder, Restarter restarter, Consumer<Ladder> onEnd) {
        this.source = source;
        this.renditions = List.copyOf(renditions);
        this.bus = bus;
        this.workers = workers;
        this.config = config;
        this.encoder = encoder;
        this.restarter = restarter;
        this.onEnd = onEnd;
        this.backoffMs = config.restartDelayMs;
        this.stats = new LadderStats(renditions.size());
    }

    synchronized void start() {
        if (stopped) {
            return;
        }
        try {
            run = new Run();
            run.subscription = bus.subscribe(source, SubscribeOptions.packager("transcode"), run::onReadable);
            run.subscription.demand();
        } catch (StreamNotFoundException e) {
            stop("source " + source + " is not live");
        }
    }

    /** Ends the ladder for good: its renditions end, the worker is killed. Idempotent. */
    void stop(String reason) {
        Run r;
        synchronized (this) {
            if (stopped) {
                return;
            }
            stopped = true;
            r = run;
            run = null;
        }
        LOG.log(Level.INFO, "transcode {0}: ladder stopped: {1}", source, reason);
        onEnd.accept(this); // first: a viewer told below may at once ask for a ladder in this one's place
        published.completeExceptionally(new IllegalStateException("transcode ladder of " + source + " stopped: "
                + reason));
        if (r != null) {
            r.end(reason, false);
        }
    }

    synchronized boolean stopped() {
        return stopped;
    }

    synchronized int restarts() {
        return restarts;
    }

    long ageMs() {
        return (System.nanoTime() - startedNanos) / 1_000_000;
    }

    /** The running child's pid, or 0. */
    synchronized long pid() {
        return run != null && run.worker != null ? run.worker.pid() : 0;
    }

    /** Called every second: refreshes the figures and kills a worker that produced nothing for too long. */
    void check() {
        Run r;
        synchronized (this) {
            r = run;
        }
        if (r == null || r.worker == null) {
            return;
        }
        stats.sample(r.worker.pid(), r.demux, r.startNanos);
        if (System.nanoTime() - r.lastOutputNanos > config.stallTimeoutMs * 1_000_000L && r.worker.isAlive()) {
            r.worker.kill("no output for " + config.stallTimeoutMs + " ms");
        }
    }

    /** A run ended (worker exit, source gone, resolution change): restart unless stopped or the source ended. */
    private void ended(Run r, WorkerExit exit) {
        long delay;
        synchronized (this) {
            if (stopped || run != r) {
                return;
            }
            run = null;
            if (r.sourceEnded) {
                stopped = true;
            } else {
                restarts++;
                boolean goodRun = System.nanoTime() - r.startNanos > 60_000_000_000L;
                backoffMs = goodRun || r.resized ? config.restartDelayMs : Math.min(backoffMs * 2,
                        config.maxRestartDelayMs);
            }
            delay = r.resized ? 0 : backoffMs;
        }
        if (r.sourceEnded) {
            LOG.log(Level.INFO, "transcode {0}: source ended, ladder stopped", source);
            onEnd.accept(this);
            published.completeExceptionally(new IllegalStateException("source " + source + " ended"));
            return;
        }
        LOG.log(Level.WARNING, "transcode {0}: worker ended ({1}); restarting in {2} ms", source,
                exit == null ? r.endReason : exit.reason() + (exit.killed() ? "" : " " + lastLine(exit)), delay);
        restarter.after(delay, this::start);
    }

    private static String lastLine(WorkerExit exit) {
        String t = exit.stderrTail().strip();
        return t.isEmpty() ? "" : "[" + t.substring(Math.max(0, t.length() - 300)) + "]";
    }

    /** One subscription + one worker. */
    private final class Run implements WorkerOutput {
        final long startNanos = System.nanoTime();
        final RenditionDemux demux = new RenditionDemux(bus, source, renditions, () -> published.complete(null));
        final FlvReader reader = new FlvReader(8 << 20, demux);
        final List<Frame> batch = new ArrayList<>();
        volatile Subscription subscription;
        volatile Worker worker;
        volatile long lastOutputNanos = System.nanoTime();
        volatile boolean sourceEnded;
        volatile boolean resized;
        volatile String endReason = "";
        private boolean dropping = true; // until the first video key frame
        private int width;
        private int height;
        private volatile boolean over;
        /** When the source's video config was first seen while its announced audio was not declared yet. */
        private long videoSeenNanos;

        /** Bus thread: feed what is there to the worker, starting it at the first frames. */
        void onReadable(Subscription s) {
            batch.clear();
            int n = s.poll(batch, 128);
            try {
                if (n < 0) {
                    sourceEnded = true;
                    end("source ended: " + s.endReason(), true);
                    return;
                }
                if (over) {
                    return; // ended meanwhile: the subscription is closed
                }
                List<TrackInfo> tracks = s.stream().tracks();
                if (worker == null && !startWorker(s.stream(), tracks)) {
                    return;
                }
                for (Frame f : batch) {
                    feed(f, tracks);
                }
            } finally {
                batch.forEach(Frame::release);
            }
            if (!over) {
                s.demand();
            }
        }

        /** Whether the publisher's {@code onMetaData} says it sends audio (ffmpeg and OBS announce it). */
        private static boolean audioAnnounced(StreamView stream) {
            Object codec = stream.metadata().get("audiocodecid");
            return codec != null && !"0".equals(String.valueOf(codec)) || stream.metadata().containsKey("audiodatarate");
        }

        private boolean startWorker(StreamView stream, List<TrackInfo> tracks) {
            TrackInfo video = track(tracks, MediaKind.VIDEO);
            if (video == null) {
                subscription.demand(); // no video yet: wait for its config
                return false;
            }
            TrackInfo audio = track(tracks, MediaKind.AUDIO);
            if (audio == null && audioAnnounced(stream)) {
                // an RTMP publisher declares video, then audio, a moment apart: a ladder started in between would
                // leave audio out of every rendition for its whole life, so wait for it (bounded)
                long now = System.nanoTime();
                if (videoSeenNanos == 0) {
                    videoSeenNanos = now;
                }
                if (now - videoSeenNanos < AUDIO_WAIT_NANOS) {
                    subscription.demand();
                    return false;
                }
            }
            demux.expectAudio(audio != null, audio != null && audio.codec() != Codec.AAC);
            width = video.width();
            height = video.height();
            List<String> args = LadderArgs.of(renditions, encoder, config.preset, audio != null,
                    audio != null && audio.codec() == Codec.AAC);
            try {
                worker = workers.startWithInput(WorkerSpec.of(Tool.FFMPEG, "transcode " + source, args)
                        .withKillGraceMs(1000).withStderrTailBytes(2048), config.inputQueueBytes, this);
            } catch (IOException | RuntimeException e) {
                LOG.log(Level.ERROR, "transcode {0}: cannot start ffmpeg: {1}", source, e.getMessage());
                over = true;
                subscription.close();
                restarter.after(0, () -> stop("cannot start ffmpeg: " + e.getMessage()));
                return false;
            }
            ByteBuffer head = ByteBuffer.wrap(FlvHeader.bytes(audio != null, true));
            worker.input().offer(head);
            worker.input().offer(FlvMedia.metadataTag(java.util.Map.of()));
            for (TrackInfo t : tracks) {
                if (t.id() == 0 && t.config().hasRemaining()) {
                    worker.input().offer(FlvMedia.tag(Frame.config(0, t.codec(), 0, t.config()), t));
                }
            }
            return true;
        }

        private void feed(Frame f, List<TrackInfo> tracks) {
            if (f.track() != 0 || f.kind() == MediaKind.DATA) {
                return;
            }
            TrackInfo t = track(tracks, f.kind());
            if (f.isConfig() && f.kind() == MediaKind.VIDEO && t != null && (t.width() != width
                    || t.height() != height)) {
                resized = true;
                end("source resolution changed to " + t.width() + "x" + t.height(), true);
                return;
            }
            if (!f.isConfig() && dropping && !f.isVideoKey()) {
                stats.dropped(1);
                return;
            }
            dropping = false;
            if (!worker.input().offer(FlvMedia.tag(f, t))) {
                dropping = true; // the worker is behind: skip to the next key frame
                stats.dropped(1);
            }
        }

        /** Ends this run: the subscription closes and stdin ends (or the worker is killed). */
        void end(String reason, boolean fromFeed) {
            if (over) {
                return;
            }
            over = true;
            endReason = reason;
            Subscription s = subscription;
            if (s != null) {
                s.close();
            }
            Worker w = worker;
            if (w == null) {
                ended(this, null);
                if (!fromFeed) {
                    demux.end(false, reason);
                }
            } else {
                w.kill(reason);
            }
        }

        @Override
        public void onData(ByteBuffer data, Runnable next) {
            lastOutputNanos = System.nanoTime();
            try {
                reader.feed(data);
            } catch (FlvFormatException e) {
                worker.kill("bad FLV from ffmpeg: " + e.getMessage());
            }
            next.run();
        }

        @Override
        public void onExit(WorkerExit exit) {
            Subscription s = subscription;
            if (s != null) {
                s.close();
            }
            boolean restarting;
            synchronized (Ladder.this) {
                restarting = !stopped && !sourceEnded;
            }
            demux.end(restarting, exit.reason());
            ended(this, exit);
        }
    }

    private static TrackInfo track(List<TrackInfo> tracks, MediaKind kind) {
        for (TrackInfo t : tracks) {
            if (t.kind() == kind && t.id() == 0) {
                return t;
            }
        }
        return null;
    }
}
