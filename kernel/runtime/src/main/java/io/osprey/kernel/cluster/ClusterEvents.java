package io.osprey.kernel.cluster;

import io.osprey.spi.bus.StreamKey;
import io.osprey.spi.cluster.StreamOwner;
import java.lang.System.Logger.Level;
import java.util.Optional;
import java.util.function.BiConsumer;
import redis.clients.jedis.JedisPubSub;
import redis.clients.jedis.exceptions.JedisException;

/**
 * Ownership changes from Redis pub/sub ({@code <ns>events}): one daemon thread holds the subscription (Jedis's
 * {@code SUBSCRIBE} blocks its connection) and resubscribes a second after Redis drops it. Messages are
 * {@code claim <key> <token> <node> <url>} and {@code release <key> <node>}; anything else is ignored.
 */
final class ClusterEvents implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(ClusterEvents.class.getName());

    private final ClusterRedis redis;
    private final StreamClaims claims;
    private final BiConsumer<StreamKey, Optional<StreamOwner>> sink;
    private final Thread thread;
    private volatile boolean closed;
    private volatile JedisPubSub current;

    ClusterEvents(ClusterRedis redis, StreamClaims claims, BiConsumer<StreamKey, Optional<StreamOwner>> sink) {
        this.redis = redis;
        this.claims = claims;
        this.sink = sink;
        thread = new Thread(this::run, "osprey-cluster-events");
        thread.setDaemon(true);
        thread.start();
    }

    private void run() {
        while (!closed) {
            JedisPubSub sub = new JedisPubSub() {
                @Override
                public void onMessage(String channel, String message) {
                    deliver(message);
                }
            };
            current = sub;
            try {
                redis.subscriber().subscribe(sub, claims.channel());
            } catch (JedisException | IllegalStateException e) {
                if (!closed) {
                    LOG.log(Level.DEBUG, "cluster events: subscription lost ({0}); resubscribing", e.toString());
                }
            }
            if (!closed) {
                try {
                    Thread.sleep(1_000);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }

    void deliver(String message) {
        String[] p = message.split(" ", 3);
        if (p.length < 3) {
            return;
        }
        StreamKey key;
        try {
            key = StreamKey.parse(p[1]);
        } catch (IllegalArgumentException e) {
            return;
        }
        if (p[0].equals("claim")) {
            StreamOwner o = claims.parse(key, p[2]);
            if (o != null) {
                sink.accept(key, Optional.of(o));
            }
        } else if (p[0].equals("release")) {
            sink.accept(key, Optional.empty());
        }
    }

    @Override
    public void close() {
        closed = true;
        JedisPubSub sub = current;
        try {
            if (sub != null && sub.isSubscribed()) {
                sub.unsubscribe();
            }
        } catch (JedisException | IllegalStateException | NullPointerException e) {
            // the connection is gone already
        }
        thread.interrupt();
    }
}
