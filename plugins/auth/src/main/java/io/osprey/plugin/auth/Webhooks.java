package io.osprey.plugin.auth;

import io.osprey.media.json.Json;
import io.osprey.spi.Scheduler;
import io.osprey.spi.access.AccessDecision;
import io.osprey.spi.access.AccessRequest;
import io.osprey.spi.access.Action;
import io.osprey.spi.metrics.Counter;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * The HTTP callbacks: JSON POSTs with {@link HttpClient}'s asynchronous API, so no selector or Jetty thread ever
 * waits for a receiver. Deciding callbacks ({@code on_publish}, {@code on_play}) allow on any 2xx and deny on
 * anything else, or on a failure or timeout unless {@code failOpen}; their answers are cached briefly per action,
 * stream, client address and parameters. Notifications are retried with doubling delays. Failures are counted and
 * logged once per burst (the first, then a summary at most every 30 s).
 */
final class Webhooks {

    private static final System.Logger LOG = System.getLogger(Webhooks.class.getName());
    private static final long LOG_EVERY_NANOS = TimeUnit.SECONDS.toNanos(30);
    private static final int MAX_CACHED = 10_000;

    private record Cached(AccessDecision decision, long until) {
    }

    private HttpClient client;
    private final Scheduler scheduler;
    private final Supplier<Rules> rules;
    private final Counter failures;
    private final ConcurrentHashMap<String, Cached> cache = new ConcurrentHashMap<>();
    private final AtomicLong lastLog = new AtomicLong(System.nanoTime() - LOG_EVERY_NANOS);
    private final AtomicLong suppressed = new AtomicLong();

    Webhooks(Scheduler scheduler, Supplier<Rules> rules, Counter failures) {
        this.scheduler = scheduler;
        this.rules = rules;
        this.failures = failures;
    }

    /** Made on first use: building one sets up TLS, which takes a while, and most servers configure no callback. */
    private synchronized HttpClient client() {
        if (client == null) {
            client = HttpClient.newBuilder().executor(scheduler).connectTimeout(Duration.ofSeconds(5))
                    .followRedirects(HttpClient.Redirect.NEVER).build();
        }
        return client;
    }

    void clearCache() {
        cache.clear();
    }

    /**
     * The deciding callback for {@code r} under {@code rs} (the rules the rest of the check used, so one request
     * never mixes two configs; {@code body} is made only when a callback is configured), or {@code null} when none
     * is. Never completes exceptionally.
     */
    CompletionStage<AccessDecision> decide(Rules rs, AccessRequest r, Supplier<Map<String, Object>> body) {
        AuthConfig.Hooks h = rs.config.hooks;
        String url = r.action() == Action.PUBLISH ? h.onPublish : h.onPlay;
        if (url.isEmpty()) {
            return null;
        }
        String key = r.action() + " " + r.stream() + " " + (r.remote() == null ? "" : r.remote().getAddress())
                + " " + r.params();
        long now = System.nanoTime();
        Cached c = cache.get(key);
        if (c != null && c.until - now > 0) {
            return CompletableFuture.completedFuture(c.decision);
        }
        String hook = r.action() == Action.PUBLISH ? "on_publish" : "on_play";
        return send(url, Json.write(body.get()), h.timeoutMs).handle((status, t) -> {
            AccessDecision d;
            if (t != null) {
                failed(hook, url, t.toString());
                d = h.failOpen ? AccessDecision.ALLOW
                        : AccessDecision.deny(hook + " callback failed", 403);
            } else if (status >= 200 && status < 300) {
                d = AccessDecision.ALLOW;
            } else {
                d = AccessDecision.deny(hook + " callback refused (" + status + ")", 403);
            }
            if (h.cacheMs > 0 && t == null) {
                if (cache.size() >= MAX_CACHED) {
                    cache.clear();
                }
                cache.put(key, new Cached(d, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(h.cacheMs)));
            }
            return d;
        });
    }

    /** Sends a notification to {@code url}, retrying with backoff; returns at once. */
    void notify(String hook, String url, Map<String, Object> body) {
        if (url.isEmpty()) {
            return;
        }
        attempt(hook, url, Json.write(body), 0);
    }

    private void attempt(String hook, String url, String json, int attempt) {
        AuthConfig.Hooks h = rules.get().config.hooks;
        send(url, json, Math.max(h.timeoutMs, 1000)).whenComplete((status, t) -> {
            if (t == null && status >= 200 && status < 300) {
                return;
            }
            String why = t != null ? t.toString() : "status " + status;
            if (attempt < h.retries) {
                long delay = 500L << attempt;
                failures.labels(hook).inc();
                scheduler.schedule(() -> attempt(hook, url, json, attempt + 1), delay, TimeUnit.MILLISECONDS);
            } else {
                failed(hook, url, why + " after " + (attempt + 1) + " attempts; dropped");
            }
        });
    }

    private CompletableFuture<Integer> send(String url, String json, int timeoutMs) {
        try {
            HttpRequest rq = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofMillis(timeoutMs))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8)).build();
            return client().sendAsync(rq, HttpResponse.BodyHandlers.discarding()).thenApply(HttpResponse::statusCode)
                    .orTimeout(timeoutMs + 1000L, TimeUnit.MILLISECONDS);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private void failed(String hook, String url, String why) {
        failures.labels(hook).inc();
        long now = System.nanoTime();
        long last = lastLog.get();
        if (now - last >= LOG_EVERY_NANOS && lastLog.compareAndSet(last, now)) {
            long more = suppressed.getAndSet(0);
            LOG.log(Level.WARNING, "auth: {0} callback to {1} failed: {2}{3}", hook, url, why,
                    more > 0 ? " (" + more + " more failures since the last report)" : "");
        } else {
            suppressed.incrementAndGet();
        }
    }
}
