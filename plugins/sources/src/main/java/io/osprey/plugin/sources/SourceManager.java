package io.osprey.plugin.sources;

import io.osprey.spi.PluginContext;
import io.osprey.spi.bus.DemandRequest;
import io.osprey.spi.bus.MediaBus;
import io.osprey.spi.bus.StreamKey;
import io.osprey.spi.metrics.Counter;
import io.osprey.spi.worker.Workers;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Every source of the plugin, as a {@link io.osprey.spi.bus.StreamProvider}: a viewer on any protocol asking for
 * an on-demand source's key starts it; a once-a-second check stops on-demand sources {@code idleStopMs} after their
 * last viewer, restarts stalled workers, and (through {@link Lru}) keeps at most {@code maxActive} running by
 * stopping the least recently watched on-demand one. Always-on sources start with the plugin and are never evicted.
 *
 * <p>Thread-safe: the map is concurrent; admission (count, evict, start) is serialised on this object.
 */
final class SourceManager implements SourceHost, AutoCloseable {

    private static final System.Logger LOG = System.getLogger(SourceManager.class.getName());

    private final PluginContext ctx;
    private volatile SourcesConfig config;
    private final ConcurrentHashMap<StreamKey, Source> sources = new ConcurrentHashMap<>();
    private final Counter restarts;
    private final Counter evictions;
    private volatile boolean closed;

    SourceManager(PluginContext ctx, SourcesConfig config) {
        this.ctx = ctx;
        this.config = config;
        restarts = ctx.metrics().counter("osprey_sources_restarts_total", "source workers restarted after a failure or stall");
        evictions = ctx.metrics().counter("osprey_sources_evictions_total",
                "on-demand sources stopped to stay within maxActive");
        ctx.metrics().gauge("osprey_sources_active", "sources running (starting, live or reconnecting)",
                () -> active().size());
        ctx.bus().provide(this::provide);
        ctx.scheduler().scheduleWithFixedDelay(this::tick, 1, 1, TimeUnit.SECONDS);
    }

    @Override
    public SourcesConfig config() {
        return config;
    }

    @Override
    public MediaBus bus() {
        return ctx.bus();
    }

    @Override
    public Workers workers() {
        return ctx.workers();
    }

    @Override
    public void schedule(Runnable task, long delayMs) {
        if (!closed) {
            ctx.scheduler().schedule(task, delayMs, TimeUnit.MILLISECONDS);
        }
    }

    @Override
    public void restarted() {
        restarts.inc();
    }

    /**
     * Adds a source; an always-on one starts now if {@code startNow} (else at {@link #startAlwaysOn}). Returns
     * {@code false} if the key is taken.
     */
    boolean add(StreamKey key, SourceSpec spec, boolean configured, boolean startNow) {
        Source s = new Source(key, spec, configured, this);
        if (sources.putIfAbsent(key, s) != null) {
            return false;
        }
        if (!spec.onDemand && startNow) {
            admit(s, "always on");
        }
        return true;
    }

    /**
     * Applies an edited config in place: a configured source whose entry changed is stopped and started anew with
     * the new entry, one whose key is gone is stopped and removed, a new key is added (and started if always on);
     * the others, and their viewers, are not touched. A configured key that an API-added source held replaces it.
     * The shared limits apply from now on (back-off bounds and the log budget to sources added or changed later).
     */
    synchronized void reconfigure(SourcesConfig next) {
        config = next;
        Map<StreamKey, SourceSpec> wanted = new java.util.LinkedHashMap<>();
        next.streams.forEach((k, spec) -> wanted.put(StreamKey.parse(k), spec));
        for (Source s : List.copyOf(sources.values())) {
            if (s.configured() && !wanted.containsKey(s.key())) {
                remove(s.key(), "removed from the config");
                LOG.log(Level.INFO, "source {0}: removed from the config", s.key());
            }
        }
        for (Map.Entry<StreamKey, SourceSpec> e : wanted.entrySet()) {
            Source cur = sources.get(e.getKey());
            if (cur != null && cur.configured() && cur.spec().sameAs(e.getValue())) {
                continue;
            }
            if (cur != null) {
                remove(e.getKey(), cur.configured() ? "changed in the config" : "now configured");
            }
            LOG.log(Level.INFO, "source {0}: {1} the config", e.getKey(), cur == null ? "added to" : "changed in");
            add(e.getKey(), e.getValue(), true, !closed);
        }
    }

    /** Starts every always-on source that is not running (plugin start, once the executables are resolved). */
    void startAlwaysOn() {
        for (Source s : sources.values()) {
            if (!s.onDemand() && !s.wanted() && s.state() == Source.State.IDLE && !closed) {
                admit(s, "always on");
            }
        }
    }

    /** Removes and stops a source; {@code null} if there was none. */
    Source remove(StreamKey key, String why) {
        Source s = sources.remove(key);
        if (s != null) {
            s.stop(why);
        }
        return s;
    }

    Source get(StreamKey key) {
        return sources.get(key);
    }

    Collection<Source> all() {
        return sources.values();
    }

    /** Starts {@code s} (API or viewer), within {@code maxActive}. */
    CompletionStage<Void> start(Source s, String why) {
        return admit(s, why);
    }

    /** The bus asks: a viewer wants {@code key}, which is not live. */
    CompletionStage<?> provide(StreamKey key, DemandRequest request) {
        Source s = sources.get(key);
        if (s == null || closed) {
            return null;
        }
        s.watchedNow();
        return admit(s, "viewer on " + request.protocol());
    }

    private CompletableFuture<Void> admit(Source s, String why) {
        if (s.wanted()) {
            return s.start(why);
        }
        CompletableFuture<Void> started;
        synchronized (this) { // count and start together, so concurrent starts cannot overshoot maxActive
            List<Source> running = active();
            if (running.size() >= config.maxActive && !s.wanted()) {
                Source victim = Lru.victim(running, s);
                if (victim == null) {
                    String reason = "too many sources running (maxActive " + config.maxActive + ", none on demand)";
                    LOG.log(Level.WARNING, "source {0}: not started: {1}", s.key(), reason);
                    return CompletableFuture.failedFuture(new IllegalStateException(reason));
                }
                evictions.inc();
                LOG.log(Level.INFO, "source {0}: evicted, the least recently watched of {1} running (maxActive {2}),"
                        + " to start {3}", victim.key(), running.size(), config.maxActive, s.key());
                victim.stop("evicted for " + s.key() + " (maxActive " + config.maxActive + ")");
            }
            started = s.start(why);
        }
        return started;
    }

    private List<Source> active() {
        List<Source> out = new ArrayList<>();
        for (Source s : sources.values()) {
            if (s.wanted()) {
                out.add(s);
            }
        }
        return out;
    }

    /** Once a second: viewer activity, idle stop of on-demand sources, stall checks. */
    private void tick() {
        long now = System.nanoTime();
        for (Source s : sources.values()) {
            if (!s.wanted()) {
                continue;
            }
            if (watchedNow(s.key())) {
                s.watchedNow();
            } else if (s.onDemand() && s.state() != Source.State.STARTING
                    && now - s.lastWatchedNanos() > TimeUnit.MILLISECONDS.toNanos(config.idleStopMs)) {
                s.stop("no viewer for " + config.idleStopMs + " ms");
                continue;
            }
            s.check(now);
        }
    }

    /**
     * Viewer activity in the last second: subscribed viewers, or a demand (an HLS playlist request). The bus also
     * counts a stream as watched for a while after it started; that is not activity, so a stream younger than a
     * second counts only with a viewer (its first demand already marked it, in {@link #provide}).
     */
    private boolean watchedNow(StreamKey key) {
        if (!ctx.bus().watched(key, 1_000)) {
            return false;
        }
        return ctx.bus().stream(key).map(v -> v.stats().totalViewers() > 0
                || v.startedAt().isBefore(java.time.Instant.now().minusMillis(1_000))).orElse(false);
    }

    /** Number of viewers of each live source, by key. */
    Map<StreamKey, Integer> viewers() {
        Map<StreamKey, Integer> m = new java.util.HashMap<>();
        ctx.bus().streams().forEach(v -> m.put(v.key(), v.stats().totalViewers()));
        return m;
    }

    @Override
    public void close() {
        closed = true;
        for (Source s : sources.values()) {
            s.stop("plugin stopping");
        }
    }
}
