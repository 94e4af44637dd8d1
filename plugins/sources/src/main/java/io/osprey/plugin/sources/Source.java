package io.osprey.plugin.sources;

import io.osprey.media.flv.FlvFormatException;
import io.osprey.spi.bus.StreamKey;
import io.osprey.spi.worker.Tool;
import io.osprey.spi.worker.Worker;
import io.osprey.spi.worker.WorkerExit;
import io.osprey.spi.worker.WorkerOutput;
import io.osprey.spi.worker.WorkerSpec;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * One pulled stream and its supervisor: runs an ffmpeg worker that writes FLV to its stdout, feeds that through a
 * {@link BusFeed} into a bus publisher, and restarts the worker with {@link Backoff back-off} when it ends, fails or
 * stalls. While it reconnects the publisher is only
 * {@link io.osprey.spi.bus.Publisher#disconnect disconnected}, so viewers stay attached through the bus's grace period and the next
 * worker continues the same stream.
 *
 * <p><b>Threading.</b> Every state change happens under this object's lock: worker output arrives on the worker's
 * kernel thread, starts on viewer threads (through the bus), checks and restarts on the scheduler. Each worker run
 * has a generation number; output and exits of an older run are ignored.
 */
final class Source {

    private static final System.Logger LOG = System.getLogger(Source.class.getName());

    /** What {@code GET /api/sources} reports. */
    enum State { IDLE, STARTING, LIVE, RECONNECTING, FAILED }

    private final StreamKey key;
    private final SourceSpec spec;
    private final boolean configured;
    private final SourceHost host;
    private final Backoff backoff;
    private final LogLimiter logs;

    private volatile State state = State.IDLE;
    private long sinceMillis = System.currentTimeMillis();
    private volatile boolean wanted;     // written under the lock, read without it
    private long generation;
    private Worker worker;
    private BusFeed feed;
    private long framesThisRun;
    private long spawnedNanos;
    private long lastFrameNanos;
    private boolean liveThisRun;
    private boolean liveThisActivation;
    private CompletableFuture<Void> failure = new CompletableFuture<>();
    private String lastError = "";
    private long restarts;
    private String probedAudio;           // ffprobe's codec name of the first audio stream, cached after a probe
    private volatile long lastWatchedNanos = System.nanoTime();

    Source(StreamKey key, SourceSpec spec, boolean configured, SourceHost host) {
        this.key = key;
        this.spec = spec;
        this.configured = configured;
        this.host = host;
        this.backoff = new Backoff(host.config().minBackoffMs, host.config().maxBackoffMs,
                () -> ThreadLocalRandom.current().nextDouble());
        this.logs = new LogLimiter(host.config().logPerMinute);
    }

    StreamKey key() {
        return key;
    }

    SourceSpec spec() {
        return spec;
    }

    boolean configured() {
        return configured;
    }

    boolean onDemand() {
        return spec.onDemand;
    }

    void watchedNow() {
        lastWatchedNanos = System.nanoTime();
    }

    long lastWatchedNanos() {
        return lastWatchedNanos;
    }

    boolean wanted() {
        return wanted;
    }

    State state() {
        return state;
    }

    /**
     * Starts the source if it is not running. Returns a stage that fails (with the reason viewers get) if this
     * activation gives up before the stream is published; it never completes normally.
     */
    synchronized CompletableFuture<Void> start(String why) {
        if (!wanted) {
            wanted = true;
            failure = new CompletableFuture<>();
            liveThisActivation = false;
            backoff.reset();
            lastWatchedNanos = System.nanoTime();
            setState(State.STARTING);
            LOG.log(Level.INFO, "source {0}: starting ({1}) from {2}", key, why, spec.redactedUrl());
            launch(generation);
        }
        return failure;
    }

    /** Stops the worker and ends the stream (idle, evicted, removed, plugin stopping). Idempotent. */
    synchronized void stop(String why) {
        if (!wanted && worker == null && feed == null) {
            return;
        }
        wanted = false;
        generation++;
        if (worker != null) {
            worker.kill(why);
            worker = null;
        }
        endRun(false, why);
        failure.completeExceptionally(new IllegalStateException("source " + key + " stopped: " + why));
        setState(State.IDLE);
        LOG.log(Level.INFO, "source {0}: stopped ({1})", key, why);
    }

    /** Periodic check (scheduler): kills a worker that has produced no frame for too long. */
    synchronized void check(long now) {
        if (!wanted || worker == null) {
            return;
        }
        long limit = liveThisRun ? (spec.stallMs > 0 ? spec.stallMs : host.config().stallMs)
                : host.config().startTimeoutMs;
        long quietMs = TimeUnit.NANOSECONDS.toMillis(now - (liveThisRun ? lastFrameNanos : spawnedNanos));
        if (quietMs > limit) {
            worker.kill(liveThisRun ? "stalled: no frame for " + quietMs + " ms" : "no media within " + limit + " ms");
        }
    }

    /** Starts run {@code gen}: asks ffprobe what the audio is first when {@code audio: auto} has not yet. */
    private void launch(long gen) {
        if (!wanted || gen != generation) {
            return;
        }
        spawnedNanos = System.nanoTime();
        if (spec.audio.equals("auto") && probedAudio == null) {
            host.workers().run(WorkerSpec.of(Tool.FFPROBE, "probe " + key, FfmpegCommand.probeAudio(spec, host.config()))
                    .withTimeoutMs(host.config().probeTimeoutMs), 4096)
                    .whenComplete((r, t) -> {
                        synchronized (Source.this) {
                            if (!wanted || gen != generation) {
                                return;
                            }
                            if (t == null && r.exit().ok()) {
                                probedAudio = r.stdoutText().strip().lines().findFirst().orElse("");
                                try {
                                    spawn(gen);
                                } catch (RuntimeException e) {
                                    failed("cannot start ffmpeg: " + e, null);
                                }
                            } else {
                                failed(t != null ? "ffprobe could not start: " + t.getMessage()
                                        : "ffprobe: " + Redact.url(r.exit().reason()), null);
                            }
                        }
                    });
            return;
        }
        spawn(gen);
    }

    private void spawn(long gen) {
        boolean convert = spec.audio.equals("aac")
                || spec.audio.equals("auto") && FfmpegCommand.autoConverts(probedAudio);
        WorkerSpec ws = WorkerSpec.of(Tool.FFMPEG, "source " + key, FfmpegCommand.ffmpeg(spec, convert, host.config()))
                .withKillGraceMs(1000).withStderrTailBytes(2048).withStderrLog(host.config().logPerMinute);
        liveThisRun = false;
        framesThisRun = 0;
        spawnedNanos = System.nanoTime();
        try {
            feed = new BusFeed(host.bus(), key, host.config().maxTagBytes,
                    reason -> host.schedule(() -> evicted(gen, reason), 0));
            worker = host.workers().start(ws, new Output(gen));
        } catch (IOException | RuntimeException e) {
            failed("ffmpeg could not start: " + e.getMessage(), null);
        }
    }

    /** Run {@code gen} ended or could not start: publish nothing more, then retry or give up. Holding the lock. */
    private void failed(String why, String stderr) {
        worker = null;
        endRun(true, why);
        lastError = why;
        if (!liveThisRun) {
            probedAudio = null; // it never played: ask again next time (the camera may have been replaced)
        }
        if (logs.allow()) {
            LOG.log(Level.WARNING, "source {0}: {1}{2}{3}", key, why, logs.suppressedNote(),
                    stderr == null || stderr.isBlank() ? "" : "\n" + Redact.url(stderr.strip()));
        }
        if (!wanted) {
            return;
        }
        if (spec.onDemand && !liveThisActivation) {
            wanted = false;
            generation++;
            setState(State.FAILED);
            failure.completeExceptionally(new IllegalStateException("source " + key + " failed: " + why));
            return;
        }
        if (TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - spawnedNanos) >= host.config().backoffResetMs
                && liveThisRun) {
            backoff.reset();
        }
        restarts++;
        host.restarted();
        setState(State.RECONNECTING);
        long delay = backoff.next();
        long gen = ++generation;
        host.schedule(() -> {
            synchronized (Source.this) {
                launch(gen);
            }
        }, delay);
    }

    /** The run is over: the stream waits in the bus's grace ({@code lost}) or ends. Holding the lock. */
    private void endRun(boolean lost, String why) {
        if (feed != null) {
            feed.end(lost, why);
            feed = null;
        }
    }

    private void setState(State s) {
        if (state != s) {
            state = s;
            sinceMillis = System.currentTimeMillis();
        }
    }

    /** A snapshot for the API. */
    synchronized SourceStatus status() {
        return new SourceStatus(key, spec, configured, state, sinceMillis, restarts, lastError,
                worker == null ? -1 : worker.pid(), probedAudio);
    }

    private synchronized void evicted(long gen, String reason) {
        if (gen == generation && wanted) {
            lastError = "evicted from the bus: " + reason;
            if (feed != null) {
                feed.forget(); // the bus has let go of the publisher
            }
            stop("evicted from the bus: " + reason);
        }
    }

    /** Run {@code gen}'s stdout and end, on its worker's kernel thread. */
    private final class Output implements WorkerOutput {
        private final long gen;

        Output(long gen) {
            this.gen = gen;
        }

        @Override
        public void onData(ByteBuffer data, Runnable next) {
            synchronized (Source.this) {
                if (gen == generation && feed != null) {
                    try {
                        long frames = feed.feed(data);
                        if (frames > framesThisRun) {
                            framesThisRun = frames;
                            lastFrameNanos = System.nanoTime();
                            if (!liveThisRun) {
                                liveThisRun = true;
                                liveThisActivation = true;
                                setState(State.LIVE);
                                LOG.log(Level.INFO, "source {0}: live", key);
                            }
                        }
                    } catch (IllegalStateException busy) {
                        worker.kill(busy.getMessage());
                    } catch (FlvFormatException | RuntimeException e) {
                        worker.kill("bad FLV from ffmpeg: " + e.getMessage());
                    }
                }
            }
            next.run();
        }

        @Override
        public void onExit(WorkerExit exit) {
            synchronized (Source.this) {
                if (gen != generation) {
                    return;
                }
                failed(exit.killed() ? exit.killReason() : Redact.url(exit.reason()), exit.stderrTail());
            }
        }
    }
}
