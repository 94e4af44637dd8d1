package io.osprey.plugin.httpflv.relay;

import io.osprey.plugin.httpflv.HttpFlvConfig;
import io.osprey.spi.PluginContext;
import io.osprey.spi.access.AccessRequest;
import io.osprey.spi.access.Action;
import io.osprey.spi.bus.StreamKey;
import io.osprey.spi.metrics.Counter;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Edge relay: a viewer asking for a stream that is not live here, of an app with a configured upstream, starts
 * (at most) one {@link RelayPull} for it and waits, bounded, for it to go live. Pulls pass the access hook as
 * {@code PUBLISH} with protocol {@code relay}; they stop {@code idleStopMs} after the stream's last viewer left. A
 * 404 from the origin is remembered for {@code negativeCacheMs}, so a storm of requests for missing streams costs
 * one origin request (HOSTILE-INPUTS F10).
 */
public final class RelayManager implements AutoCloseable {

    private final PluginContext ctx;
    private final HttpFlvConfig.Relay config;
    private final ConcurrentHashMap<StreamKey, RelayPull> pulls = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<StreamKey, Long> missing = new ConcurrentHashMap<>();
    private final Counter started;
    private volatile HttpClient client;
    private volatile boolean closed;

    public RelayManager(PluginContext ctx, HttpFlvConfig.Relay config) {
        this.ctx = ctx;
        this.config = config;
        started = ctx.metrics().counter("osprey_httpflv_relay_pulls_started_total", "edge relay pulls started");
        ctx.metrics().gauge("osprey_httpflv_relay_pulls", "edge relay pulls running", () -> pulls.size());
        if (!config.upstreams.isEmpty()) {
            ctx.scheduler().scheduleWithFixedDelay(this::stopIdle, 1, 1, TimeUnit.SECONDS);
        }
    }

    /** Whether streams of {@code app} are pulled from an upstream when not live here. */
    public boolean relays(String app) {
        return !closed && config.upstream(app) != null;
    }

    /**
     * Starts (or joins) the pull of {@code key}; completes with {@code ""} once the stream is live here, or with
     * the reason it is not (within {@code waitMs}).
     */
    public CompletionStage<String> await(StreamKey key, Map<String, String> params) {
        Long until = missing.get(key);
        if (until != null) {
            if (System.nanoTime() - until < 0) {
                return CompletableFuture.completedFuture("the origin has no stream " + key);
            }
            missing.remove(key, until);
        }
        RelayPull pull = pulls.get(key);
        if (pull == null) {
            if (pulls.size() >= config.maxPulls) {
                return CompletableFuture.completedFuture("too many relays running");
            }
            HttpFlvConfig.Upstream up = config.upstream(key.app());
            URI uri;
            try {
                uri = URI.create(up.url(key));
            } catch (IllegalArgumentException e) {
                return CompletableFuture.completedFuture("bad upstream URL");
            }
            RelayPull fresh = new RelayPull(ctx, this, client(), key, uri, config);
            pull = pulls.putIfAbsent(key, fresh);
            if (pull == null) {
                pull = fresh;
                started.inc();
                RelayPull p = fresh;
                ctx.access().check(new AccessRequest(Action.PUBLISH, key, "relay", null, Map.of()))
                        .whenComplete((d, t) -> {
                            if (t != null || !d.allowed()) {
                                p.ready.complete("relay refused: " + (t != null ? "access check failed" : d.reason()));
                                p.stop();
                            } else {
                                p.start();
                            }
                        });
            }
        }
        pull.touch();
        CompletableFuture<String> out = new CompletableFuture<>();
        pull.ready.whenComplete((r, t) -> out.complete(t != null ? "relay failed" : r));
        ctx.scheduler().schedule(() -> out.complete("timed out waiting for the origin"), config.waitMs,
                TimeUnit.MILLISECONDS);
        return out;
    }

    /** A local viewer joined {@code key}: keeps its pull running. */
    public void viewerJoined(StreamKey key) {
        RelayPull p = pulls.get(key);
        if (p != null) {
            p.touch();
        }
    }

    void negative(StreamKey key) {
        if (config.negativeCacheMs > 0 && missing.size() < 10_000) {
            missing.put(key, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(config.negativeCacheMs));
        }
    }

    void removed(RelayPull pull) {
        pulls.remove(pull.key(), pull);
    }

    private void stopIdle() {
        long idle = TimeUnit.MILLISECONDS.toNanos(config.idleStopMs);
        for (RelayPull p : pulls.values()) {
            boolean watched = ctx.bus().stream(p.key()).map(s -> !s.isEnded() && s.stats().totalViewers() > 0)
                    .orElse(false);
            if (watched) {
                p.touch();
            } else if (p.idleNanos() > idle) {
                p.stop();
            }
        }
        missing.values().removeIf(until -> System.nanoTime() - until > 0);
    }

    private HttpClient client() {
        HttpClient c = client;
        if (c == null) {
            synchronized (this) {
                c = client;
                if (c == null) {
                    c = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                            .connectTimeout(Duration.ofMillis(config.connectTimeoutMs))
                            .followRedirects(HttpClient.Redirect.NORMAL).executor(ctx.scheduler()).build();
                    client = c;
                }
            }
        }
        return c;
    }

    /** Stops every pull (plugin stopping). */
    @Override
    public void close() {
        closed = true;
        for (RelayPull p : pulls.values()) {
            p.stop();
        }
        pulls.clear();
        HttpClient c = client;
        client = null;
        if (c instanceof AutoCloseable closeable) { // Java 21+: stops the client's selector thread now
            try {
                closeable.close();
            } catch (Exception ignored) {
                // best effort
            }
        }
    }
}
