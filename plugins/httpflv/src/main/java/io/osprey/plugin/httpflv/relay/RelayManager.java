package io.osprey.plugin.httpflv.relay;

import io.osprey.plugin.httpflv.HttpFlvConfig;
import io.osprey.spi.PluginContext;
import io.osprey.spi.access.AccessRequest;
import io.osprey.spi.access.Action;
import io.osprey.spi.bus.DemandRequest;
import io.osprey.spi.bus.StreamKey;
import io.osprey.spi.cluster.StreamOwner;
import io.osprey.spi.metrics.Counter;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Edge relay, a {@link io.osprey.spi.bus.StreamProvider}: a viewer on any protocol asking for a stream that is not
 * live here, of an app with a configured upstream — or, in a cluster ({@code relay.cluster}), owned by another node
 * in the registry — starts (at most) one {@link RelayPull} for it and waits, bounded, for it to go live. Pulls pass the access hook as
 * {@code PUBLISH} with protocol {@code relay}; they stop {@code idleStopMs} after the stream's last viewer left
 * (or its last HLS playlist request). A
 * 404 from the origin is remembered for {@code negativeCacheMs}, so a storm of requests for missing streams costs
 * one origin request (HOSTILE-INPUTS F10).
 */
public final class RelayManager implements AutoCloseable {

    private final PluginContext ctx;
    private final HttpFlvConfig.Relay config;
    private final ConcurrentHashMap<StreamKey, RelayPull> pulls = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<StreamKey, Long> missing = new ConcurrentHashMap<>();
    private final Counter started;
    private final Counter clusterStarted;
    private volatile HttpClient client;
    private volatile boolean closed;

    public RelayManager(PluginContext ctx, HttpFlvConfig.Relay config) {
        this.ctx = ctx;
        this.config = config;
        started = ctx.metrics().counter("osprey_httpflv_relay_pulls_started_total", "edge relay pulls started");
        clusterStarted = ctx.metrics().counter("osprey_httpflv_relay_cluster_connects_total",
                "edge relay connections to a stream's owner found in the cluster registry");
        ctx.metrics().gauge("osprey_httpflv_relay_pulls", "edge relay pulls running", () -> pulls.size());
        if (!config.upstreams.isEmpty() || (config.cluster && ctx.cluster().clustered())) {
            ctx.scheduler().scheduleWithFixedDelay(this::stopIdle, 1, 1, TimeUnit.SECONDS);
            ctx.bus().provide(this::provide);
        }
    }

    /** Whether streams of {@code app} are pulled from an upstream, or from their owner in the cluster. */
    public boolean relays(String app) {
        return !closed && (config.upstream(app) != null || clusterPulls());
    }

    private boolean clusterPulls() {
        return config.cluster && ctx.cluster().clustered();
    }

    /**
     * Where {@code key} is pulled from: the configured upstream of its app, else its owner's advertised URL. Fails
     * with {@link NoSuchElementException} when no node owns it (the stream does not exist), and with the
     * registry's reason when the registry is unreachable.
     */
    private CompletionStage<URI> upstream(StreamKey key) {
        HttpFlvConfig.Upstream up = config.upstream(key.app());
        if (up != null) {
            return CompletableFuture.completedFuture(URI.create(up.url(key)));
        }
        return ctx.cluster().owner(key).thenApply(o -> {
            StreamOwner owner = o.orElseThrow(() -> new NoSuchElementException("no node of the cluster publishes "
                    + key));
            if (owner.self()) {
                throw new NoSuchElementException("stream " + key + " is owned here but not live");
            }
            clusterStarted.inc();
            return URI.create(owner.advertiseUrl() + "/" + key.app() + "/" + key.name() + ".flv");
        });
    }

    /**
     * The bus asks when a viewer (on any protocol) wants {@code key} and it is not live: starts (or joins) its pull
     * if an upstream serves the app. The returned stage fails with the reason the stream will not come (origin 404,
     * refused, too many pulls); the bus completes the viewers' wait when the pull publishes.
     */
    CompletionStage<?> provide(StreamKey key, DemandRequest request) {
        if (!relays(key.app())) {
            return null;
        }
        Long until = missing.get(key);
        if (until != null) {
            if (System.nanoTime() - until < 0) {
                return CompletableFuture.failedFuture(new IllegalStateException("the origin has no stream " + key));
            }
            missing.remove(key, until);
        }
        RelayPull pull = pulls.get(key);
        if (pull == null) {
            if (pulls.size() >= config.maxPulls) {
                return CompletableFuture.failedFuture(new IllegalStateException("too many relays running"));
            }
            HttpFlvConfig.Upstream up = config.upstream(key.app());
            if (up != null) {
                try {
                    URI.create(up.url(key));
                } catch (IllegalArgumentException e) {
                    return CompletableFuture.failedFuture(new IllegalStateException("bad upstream URL"));
                }
            }
            RelayPull fresh = new RelayPull(ctx, this, client(), key, () -> upstream(key), config);
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
        CompletableFuture<Void> failed = new CompletableFuture<>();
        pull.ready.whenComplete((r, t) -> {
            if (t != null || (r != null && !r.isEmpty())) {
                failed.completeExceptionally(new IllegalStateException(t != null ? "relay failed" : r));
            }
        });
        return failed;
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
            if (ctx.bus().watched(p.key(), 1_000)) { // viewers, or a demand (HLS playlist) within the last second
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
