package io.osprey.kernel.bus;

import io.osprey.spi.Registration;
import io.osprey.spi.bus.DemandRequest;
import io.osprey.spi.bus.StreamKey;
import io.osprey.spi.bus.StreamNotFoundException;
import io.osprey.spi.bus.StreamProvider;
import io.osprey.spi.bus.StreamView;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Streams started on demand (see {@link io.osprey.spi.bus.MediaBus#demand}): one pending start per key, shared by
 * every viewer waiting for it, completed by {@link #started} when the stream is published, failed by its provider,
 * or forgotten after {@link #MAX_PENDING_MS} so a later viewer asks the providers again.
 */
final class Demands {

    private static final System.Logger LOG = System.getLogger(Demands.class.getName());
    /** How long a start that never published nor failed stays pending. */
    static final long MAX_PENDING_MS = 120_000;

    private final CopyOnWriteArrayList<StreamProvider> providers = new CopyOnWriteArrayList<>();
    private final ConcurrentHashMap<StreamKey, CompletableFuture<StreamView>> pending = new ConcurrentHashMap<>();
    private final ScheduledExecutorService scheduler;

    Demands(ScheduledExecutorService scheduler) {
        this.scheduler = scheduler;
    }

    Registration add(StreamProvider provider) {
        providers.add(provider);
        return () -> providers.remove(provider);
    }

    /** What every provider offers as renditions of {@code source}; a provider that throws is logged and skipped. */
    List<StreamKey> variants(StreamKey source) {
        List<StreamKey> all = new ArrayList<>();
        for (StreamProvider p : providers) {
            try {
                all.addAll(p.variants(source));
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "stream provider failed listing the variants of " + source, e);
            }
        }
        return all;
    }

    /**
     * The shared start of {@code key}, not live when the caller looked; {@code live} is asked again once this
     * demand is registered, so a publish racing with it is never missed.
     */
    CompletionStage<StreamView> demand(StreamKey key, DemandRequest request, Duration wait,
                                       Supplier<StreamView> live) {
        CompletableFuture<StreamView> fresh = new CompletableFuture<>();
        CompletableFuture<StreamView> start = pending.putIfAbsent(key, fresh);
        if (start == null) {
            start = fresh;
            StreamView now = live.get();
            if (now != null) {
                settle(key, fresh, now, null);
            } else {
                ask(key, request, fresh);
            }
        }
        if (start.isDone()) {
            return start;
        }
        CompletableFuture<StreamView> mine = new CompletableFuture<>();
        start.whenComplete((s, t) -> {
            if (t != null) {
                mine.completeExceptionally(t);
            } else {
                mine.complete(s);
            }
        });
        long ms = Math.max(0, wait.toMillis());
        var timer = scheduler.schedule(() -> mine.completeExceptionally(
                new StreamNotFoundException(key, "stream " + key + " did not start within " + ms + " ms")),
                ms, TimeUnit.MILLISECONDS);
        mine.whenComplete((s, t) -> timer.cancel(false));
        return mine;
    }

    /** {@code key} was published: every viewer waiting for it proceeds. */
    void started(StreamView stream) {
        CompletableFuture<StreamView> f = pending.remove(stream.key());
        if (f != null) {
            f.complete(stream);
        }
    }

    private void ask(StreamKey key, DemandRequest request, CompletableFuture<StreamView> start) {
        for (StreamProvider p : providers) {
            CompletionStage<?> started;
            try {
                started = p.provide(key, request);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "stream provider failed on demand for " + key, e);
                continue;
            }
            if (started != null) {
                LOG.log(Level.INFO, "stream {0}: starting on demand ({1} viewer)", key, request.protocol());
                started.whenComplete((ignored, t) -> {
                    if (t != null) {
                        Throwable cause = t instanceof CompletionException && t.getCause() != null
                                ? t.getCause() : t;
                        String reason = cause.getMessage() != null ? cause.getMessage() : cause.toString();
                        settle(key, start, null, new StreamNotFoundException(key, reason));
                    }
                });
                scheduler.schedule(() -> settle(key, start, null,
                        new StreamNotFoundException(key, "stream " + key + " never started")),
                        MAX_PENDING_MS, TimeUnit.MILLISECONDS);
                return;
            }
        }
        settle(key, start, null, new StreamNotFoundException(key, "no live stream " + key));
    }

    private void settle(StreamKey key, CompletableFuture<StreamView> start, StreamView s, Throwable t) {
        pending.remove(key, start);
        if (t != null) {
            start.completeExceptionally(t);
        } else {
            start.complete(s);
        }
    }

    /** Keys with a start under way (tests, metrics). */
    int pending() {
        return pending.size();
    }
}
