package io.osprey.plugin.httpflv.relay;

import io.osprey.media.flv.FlvFormatException;
import io.osprey.media.flv.FlvReader;
import io.osprey.plugin.httpflv.HttpFlvConfig;
import io.osprey.spi.PluginContext;
import io.osprey.spi.bus.PublishRequest;
import io.osprey.spi.bus.Publisher;
import io.osprey.spi.bus.StreamBusyException;
import io.osprey.spi.bus.StreamKey;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * One edge pull: {@code GET <upstream>/{app}/{stream}.flv} (a configured upstream, or the stream's owner in the
 * cluster, looked up again before each reconnect so a publisher that moved to another node is followed), parsed with {@link FlvReader} and re-published into the
 * local bus as protocol {@code relay}. When the origin drops, the local publisher is only disconnected (the bus's
 * reconnect grace keeps local viewers attached) and the pull reconnects with exponential backoff; the re-published
 * stream continues the same local stream. Stopped by {@link RelayManager} once the stream has had no viewer for a
 * while.
 */
final class RelayPull {

    private static final System.Logger LOG = System.getLogger(RelayPull.class.getName());

    private final PluginContext ctx;
    private final RelayManager manager;
    private final HttpClient client;
    private final StreamKey key;
    /** Where to pull from, asked before each connection (a cluster owner can move between reconnects). */
    private final Supplier<CompletionStage<URI>> upstream;
    private volatile URI uri;
    private final HttpFlvConfig.Relay settings;
    /** Completes with "" once the stream is live here, or with the reason it will not be. */
    final CompletableFuture<String> ready = new CompletableFuture<>();
    private volatile boolean stopped;
    private volatile long lastViewerNanos = System.nanoTime();
    private long backoffMs;
    private int attempts;
    private Publisher publisher;          // guarded by this
    private Flow.Subscription body;       // guarded by this
    private long connection;              // guarded by this: which connection the body belongs to

    RelayPull(PluginContext ctx, RelayManager manager, HttpClient client, StreamKey key,
              Supplier<CompletionStage<URI>> upstream, HttpFlvConfig.Relay settings) {
        this.ctx = ctx;
        this.manager = manager;
        this.client = client;
        this.key = key;
        this.upstream = upstream;
        this.settings = settings;
        this.backoffMs = settings.minBackoffMs;
    }

    StreamKey key() {
        return key;
    }

    void touch() {
        lastViewerNanos = System.nanoTime();
    }

    long idleNanos() {
        return System.nanoTime() - lastViewerNanos;
    }

    void start() {
        connect();
    }

    private void connect() {
        if (stopped) {
            return;
        }
        CompletionStage<URI> where;
        try {
            where = upstream.get();
        } catch (RuntimeException e) {
            where = CompletableFuture.failedFuture(e);
        }
        where.whenComplete((u, t) -> {
            if (t != null) {
                Throwable c = t instanceof java.util.concurrent.CompletionException && t.getCause() != null
                        ? t.getCause() : t;
                if (c instanceof NoSuchElementException && !ready.isDone()) {
                    manager.negative(key);
                    giveUp(c.getMessage());
                } else {
                    retry(c.getMessage());
                }
            } else {
                connect(u);
            }
        });
    }

    private void connect(URI target) {
        if (stopped) {
            return;
        }
        uri = target;
        long id;
        synchronized (this) {
            id = ++connection;
        }
        attempts++;
        HttpRequest request = HttpRequest.newBuilder(target).GET()
                .timeout(Duration.ofMillis(settings.connectTimeoutMs))
                .header("User-Agent", "Osprey-relay").build();
        client.sendAsync(request, info -> info.statusCode() == 200 ? new Body(id)
                        : HttpResponse.BodySubscribers.replacing(null))
                .whenComplete((response, t) -> {
                    if (t != null) {
                        retry("cannot reach the origin: " + t);
                    } else if (response.statusCode() != 200) {
                        if (response.statusCode() == 404 && !ready.isDone()) {
                            manager.negative(key);
                            giveUp("the origin has no stream " + key + " (404)");
                        } else {
                            retry("the origin answered " + response.statusCode());
                        }
                    }
                });
    }

    private void retry(String why) {
        if (stopped) {
            return;
        }
        if (!ready.isDone() && attempts >= 3) {
            giveUp(why);
            return;
        }
        long delay = backoffMs;
        backoffMs = Math.min(settings.maxBackoffMs, backoffMs * 2);
        LOG.log(Level.INFO, "relay {0}: {1}; reconnecting in {2} ms", key, why, delay);
        ctx.scheduler().schedule(this::connect, delay, TimeUnit.MILLISECONDS);
    }

    private void giveUp(String why) {
        LOG.log(Level.INFO, "relay {0}: {1}", key, why);
        ready.complete(why);
        stop();
    }

    /** Stops pulling and ends the re-published stream. Idempotent. */
    void stop() {
        Flow.Subscription b;
        Publisher p;
        synchronized (this) {
            if (stopped) {
                return;
            }
            stopped = true;
            b = body;
            body = null;
            p = publisher;
            publisher = null;
        }
        if (b != null) {
            b.cancel();
        }
        if (p != null) {
            p.close();
        }
        ready.complete("relay stopped");
        manager.removed(this);
    }

    /** The origin's response body: FLV bytes in, bus frames out. */
    private final class Body implements HttpResponse.BodySubscriber<Void> {
        private final long id;
        private final FlvReader reader;
        private volatile FlvIngest ingest;
        private final CompletableFuture<Void> result = new CompletableFuture<>();

        Body(long id) {
            this.id = id;
            this.reader = new FlvReader(settings.maxTagBytes, new FlvReader.Listener() {
                @Override
                public void onHeader(boolean audio, boolean video) {
                }

                @Override
                public void onTag(io.osprey.media.flv.FlvTag tag) throws FlvFormatException {
                    ingest.onTag(tag);
                    if (!ready.isDone() && ingest.frames() > 0) {
                        backoffMs = settings.minBackoffMs;
                        ready.complete("");
                    }
                }
            });
        }

        @Override
        public CompletionStage<Void> getBody() {
            return result;
        }

        @Override
        public void onSubscribe(Flow.Subscription subscription) {
            Publisher p;
            synchronized (RelayPull.this) {
                if (stopped || id != connection) {
                    subscription.cancel();
                    return;
                }
                body = subscription;
                try {
                    publisher = ctx.bus().publish(key, new PublishRequest("relay", null, false,
                            reason -> ctx.scheduler().execute(RelayPull.this::stop)));
                } catch (StreamBusyException e) {
                    subscription.cancel();
                    LOG.log(Level.INFO, "relay {0}: published locally meanwhile; not relaying", key);
                    ready.complete("");
                    ctx.scheduler().execute(RelayPull.this::stop);
                    return;
                }
                p = publisher;
            }
            ingest = new FlvIngest(p);
            LOG.log(Level.INFO, "relay {0}: pulling {1}", key, uri);
            subscription.request(1);
        }

        @Override
        public void onNext(List<ByteBuffer> items) {
            Flow.Subscription b;
            synchronized (RelayPull.this) {
                if (stopped || id != connection || publisher == null) {
                    return;
                }
                try {
                    for (ByteBuffer item : items) {
                        reader.feed(item);
                    }
                } catch (FlvFormatException | RuntimeException e) {
                    LOG.log(Level.WARNING, "relay {0}: bad FLV from the origin: {1}", key, e.getMessage());
                    body.cancel();
                    closeIngest();
                    lost("bad FLV from the origin");
                    return;
                }
                b = body;
            }
            b.request(1);
        }

        /** This connection is over: its ingest's last payload segment goes back to the pool. */
        private void closeIngest() {
            FlvIngest i = ingest;
            if (i != null) {
                i.close();
            }
        }

        @Override
        public void onError(Throwable throwable) {
            result.completeExceptionally(throwable);
            closeIngest();
            synchronized (RelayPull.this) {
                if (id == connection) {
                    lost("origin connection failed: " + throwable);
                }
            }
        }

        @Override
        public void onComplete() {
            result.complete(null);
            closeIngest();
            synchronized (RelayPull.this) {
                if (id == connection) {
                    lost("the origin ended the stream");
                }
            }
        }
    }

    /** Called holding the lock: the local publisher waits in the bus's grace period while we reconnect. */
    private void lost(String why) {
        Publisher p = publisher;
        publisher = null;
        body = null;
        connection++;
        if (p != null) {
            p.disconnect(why);
        }
        if (!stopped) {
            attempts = 0;
            ctx.scheduler().execute(() -> retry(why));
        }
    }
}
