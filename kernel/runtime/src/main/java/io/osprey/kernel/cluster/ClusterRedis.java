package io.osprey.kernel.cluster;

import io.osprey.kernel.config.ClusterConfig;
import java.lang.System.Logger.Level;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisException;

/**
 * The kernel's one Redis client ({@code cluster.redisUrl}, Jedis {@link RedisClient} with its connection pool),
 * shared by every cluster service. It tracks whether Redis answers: a failed call marks it down (logged once per
 * outage, counted), after which {@link #call} fails at once without touching the network until a background probe
 * (every second) gets a {@code PING} through; then the {@link #onRecover} hooks run (services write back what
 * changed meanwhile) and calls go to Redis again. While up it keeps this node's heartbeat key
 * ({@code osprey:node:<id>}, {@value #NODE_TTL_MS} ms TTL) alive, so the others can tell live nodes from dead ones.
 *
 * <p>Thread-safe. Calls block the caller for at most {@code cluster.timeoutMs} (connect and read).
 */
public final class ClusterRedis implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(ClusterRedis.class.getName());

    /** Every key the kernel writes starts with this. */
    public static final String PREFIX = "osprey:";
    /** A node whose heartbeat key is older than this is gone; its slots no longer count. */
    public static final long NODE_TTL_MS = 10_000;
    private static final long BEAT_MS = 1_000;

    /** Thrown by {@link #call} when Redis is down; the caller answers from local state. */
    public static final class Unavailable extends Exception {
        Unavailable(String message) {
            super(message, null, false, false);
        }
    }

    private final RedisUrl url;
    private final String nodeId;
    private final RedisClient client;
    private final AtomicBoolean up = new AtomicBoolean();
    private final AtomicLong failures = new AtomicLong();
    private final List<Runnable> recoverHooks = new CopyOnWriteArrayList<>();
    private final List<Runnable> beatHooks = new CopyOnWriteArrayList<>();
    private final ScheduledFuture<?> beat;

    public ClusterRedis(ClusterConfig config, ScheduledExecutorService scheduler) {
        this.url = RedisUrl.parse(config.redisUrl);
        this.nodeId = config.nodeId.isEmpty() ? UUID.randomUUID().toString() : config.nodeId;
        DefaultJedisClientConfig.Builder cc = DefaultJedisClientConfig.builder()
                .connectionTimeoutMillis(config.timeoutMs).socketTimeoutMillis(config.timeoutMs)
                .database(url.database()).ssl(url.tls()).clientName("osprey-" + nodeId);
        if (url.password() != null) {
            cc.user(url.user()).password(url.password());
        }
        this.client = RedisClient.builder().hostAndPort(url.host(), url.port()).clientConfig(cc.build()).build();
        if (!probe()) {
            LOG.log(Level.WARNING, "cluster: Redis at {0} is unreachable; limits and counters are this node's own "
                    + "until it answers", url);
        }
        beat = scheduler.scheduleWithFixedDelay(this::tick, BEAT_MS, BEAT_MS, TimeUnit.MILLISECONDS);
    }

    /** This node's id in the cluster. */
    public String nodeId() {
        return nodeId;
    }

    public boolean up() {
        return up.get();
    }

    /** Calls that failed since start (each outage begins with one). */
    public long failures() {
        return failures.get();
    }

    /** Runs {@code f} on Redis; fails at once with {@link Unavailable} while Redis is down. */
    public <T> T call(Function<UnifiedJedis, T> f) throws Unavailable {
        if (!up.get()) {
            throw new Unavailable("Redis is down");
        }
        try {
            return f.apply(client);
        } catch (JedisException e) {
            down(e);
            throw new Unavailable(e.toString());
        }
    }

    /** {@code hook} runs on the kernel's scheduler each time Redis answers again after an outage. */
    public void onRecover(Runnable hook) {
        recoverHooks.add(hook);
    }

    /** {@code hook} runs about every second while Redis is up (after this node's heartbeat). */
    public void onBeat(Runnable hook) {
        beatHooks.add(hook);
    }

    private void down(Exception e) {
        failures.incrementAndGet();
        if (up.compareAndSet(true, false)) {
            LOG.log(Level.WARNING, "cluster: Redis at {0} failed ({1}); falling back to this node''s own limits "
                    + "and counts until it answers again", url, e.toString());
        }
    }

    private void tick() {
        try {
            if (!up.get()) {
                if (probe()) {
                    LOG.log(Level.INFO, "cluster: Redis at {0} answers again; shared counts resume", url);
                    recoverHooks.forEach(Runnable::run);
                }
                return;
            }
            call(j -> j.psetex(PREFIX + "node:" + nodeId, NODE_TTL_MS, "1"));
            beatHooks.forEach(Runnable::run);
        } catch (Unavailable e) {
            // down() logged it
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "cluster heartbeat failed", e);
        }
    }

    /** One {@code PING} and heartbeat; marks Redis up if they get through. */
    private boolean probe() {
        try {
            client.ping();
            client.psetex(PREFIX + "node:" + nodeId, NODE_TTL_MS, "1");
            up.set(true);
            return true;
        } catch (JedisException e) {
            failures.incrementAndGet();
            return false;
        }
    }

    @Override
    public void close() {
        beat.cancel(false);
        try {
            if (up.get()) {
                client.del(PREFIX + "node:" + nodeId); // our slots stop counting at once
            }
        } catch (JedisException ignored) {
            // going away anyway; the heartbeat expires
        }
        client.close();
    }
}
