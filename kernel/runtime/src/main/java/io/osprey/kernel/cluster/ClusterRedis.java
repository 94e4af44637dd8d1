package io.osprey.kernel.cluster;

import io.osprey.kernel.config.ClusterConfig;
import io.osprey.kernel.config.RedisUrl;
import java.lang.System.Logger.Level;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.RedisSentinelClient;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisException;

/**
 * The kernel's one Redis client ({@code cluster.redisUrl}, Jedis {@link RedisClient} with its connection pool),
 * shared by every cluster service. It tracks whether Redis answers: a failed call marks it down (logged once per
 * outage, counted), after which {@link #call} fails at once without touching the network until a background probe
 * (every second) gets a {@code PING} through; then the {@link #onRecover} hooks run (services write back what
 * changed meanwhile) and calls go to Redis again. While up it keeps this node's heartbeat key
 * ({@code <cluster.name>:node:<id>}, {@code cluster.ttlMs} TTL, holding the node's record) alive, so the others can
 * tell live nodes from dead ones, and lists the node in the set {@code <cluster.name>:nodes}.
 *
 * <p>Deployments: one Redis ({@code redis://}, {@code rediss://} for TLS, password in the URL) through a pooled
 * {@link RedisClient}, or a Sentinel-watched master ({@code cluster.sentinelMaster}, {@code cluster.sentinels})
 * through Jedis's {@link RedisSentinelClient}, which follows fail-overs by itself. Redis Cluster is not supported:
 * the registry's scripts touch a claim and the fencing counter together, which Redis Cluster allows only in one
 * hash slot.
 *
 * <p>Thread-safe. Calls block the caller for at most {@code cluster.timeoutMs} (connect and read).
 */
public final class ClusterRedis implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(ClusterRedis.class.getName());

    /** Every key the kernel writes starts with this by default ({@code cluster.name} {@code osprey}). */
    public static final String PREFIX = "osprey:";
    private static final long BEAT_MS = 1_000;

    /** Thrown by {@link #call} when Redis is down; the caller answers from local state. */
    public static final class Unavailable extends Exception {
        Unavailable(String message) {
            super(message, null, false, false);
        }
    }

    private final RedisUrl url;
    private final String where;
    private final String nodeId;
    private final String prefix;
    private final long ttlMs;
    private final UnifiedJedis client;
    /** A second client without a read timeout, for the blocking pub/sub subscription. */
    private final UnifiedJedis subscriber;
    private volatile Supplier<String> record = () -> "{}";
    private final LongAdder calls = new LongAdder();
    private final LongAdder callNanos = new LongAdder();
    private final AtomicBoolean up = new AtomicBoolean();
    private final AtomicLong failures = new AtomicLong();
    private final List<Runnable> recoverHooks = new CopyOnWriteArrayList<>();
    private final List<Runnable> beatHooks = new CopyOnWriteArrayList<>();
    private final ScheduledFuture<?> beat;
    private volatile String probeError = "";

    /** A client for {@code config.nodeId} (a random id if empty). */
    public ClusterRedis(ClusterConfig config, ScheduledExecutorService scheduler) {
        this(config, config.nodeId.isEmpty() ? UUID.randomUUID().toString() : config.nodeId, scheduler);
    }

    public ClusterRedis(ClusterConfig config, String nodeId, ScheduledExecutorService scheduler) {
        this.url = RedisUrl.parse(config.redisUrl);
        this.nodeId = nodeId;
        this.prefix = config.name + ":";
        this.ttlMs = config.ttlMs;
        this.where = config.sentinelMaster.isEmpty() ? url.toString()
                : "Sentinel master " + config.sentinelMaster + " via " + config.sentinels;
        this.client = build(config, config.timeoutMs);
        this.subscriber = build(config, 0);
        if (!probe()) {
            LOG.log(Level.WARNING, "cluster: Redis at {0} is unreachable ({1}); limits, counters and stream ownership "
                    + "are this node''s own until it answers", where, probeError);
        }
        beat = scheduler.scheduleWithFixedDelay(this::tick, BEAT_MS, BEAT_MS, TimeUnit.MILLISECONDS);
    }

    /** This node's id in the cluster. */
    public String nodeId() {
        return nodeId;
    }

    private UnifiedJedis build(ClusterConfig config, int readTimeoutMs) {
        DefaultJedisClientConfig.Builder cc = tls(config, DefaultJedisClientConfig.builder()
                .connectionTimeoutMillis(config.timeoutMs).socketTimeoutMillis(readTimeoutMs)
                .database(url.database()).clientName("osprey-" + nodeId));
        if (url.password() != null) {
            cc.user(url.user()).password(url.password());
        }
        if (config.sentinelMaster.isEmpty()) {
            return RedisClient.builder().hostAndPort(url.host(), url.port()).clientConfig(cc.build()).build();
        }
        Set<HostAndPort> sentinels = config.sentinels.stream().map(HostAndPort::from).collect(Collectors.toSet());
        return RedisSentinelClient.builder().masterName(config.sentinelMaster).sentinels(sentinels)
                .clientConfig(cc.build()).sentinelClientConfig(tls(config, DefaultJedisClientConfig.builder()
                        .connectionTimeoutMillis(config.timeoutMs).socketTimeoutMillis(config.timeoutMs)).build())
                .build();
    }

    /** {@code rediss://}: TLS with host name verification, trusting {@code cluster.tlsCaFile} if set. */
    private DefaultJedisClientConfig.Builder tls(ClusterConfig config, DefaultJedisClientConfig.Builder b) {
        if (!url.tls()) {
            return b;
        }
        b.ssl(true).sslParameters(RedisTls.verifyHost());
        if (!config.tlsCaFile.isEmpty()) {
            b.sslSocketFactory(RedisTls.trusting(java.nio.file.Path.of(config.tlsCaFile)));
        }
        return b;
    }

    /** Key prefix of this cluster: {@code cluster.name} and a colon. */
    public String prefix() {
        return prefix;
    }

    /** {@code cluster.ttlMs}: life of heartbeats and claims without renewal. */
    public long ttlMs() {
        return ttlMs;
    }

    /** Where Redis is (password hidden), for logs and the API. */
    public String where() {
        return where;
    }

    /** The JSON this node writes into its heartbeat key each second. */
    public void record(Supplier<String> record) {
        this.record = record;
    }

    /** Calls made through {@link #call} that reached Redis, and their total time in ns (for the latency metric). */
    public long calls() {
        return calls.sum();
    }

    public long callNanos() {
        return callNanos.sum();
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
        long t0 = System.nanoTime();
        try {
            return f.apply(client);
        } catch (JedisException e) {
            down(e);
            throw new Unavailable(e.toString());
        } finally {
            calls.increment();
            callNanos.add(System.nanoTime() - t0);
        }
    }

    /** The client without a read timeout, for a blocking subscription (the caller handles failures). */
    UnifiedJedis subscriber() {
        return subscriber;
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
            LOG.log(Level.WARNING, "cluster: Redis at {0} failed ({1}); falling back to this node''s own limits, "
                    + "counts and stream ownership until it answers again", where, e.toString());
        }
    }

    private void tick() {
        try {
            if (!up.get()) {
                if (probe()) {
                    LOG.log(Level.INFO, "cluster: Redis at {0} answers again; shared counts and claims resume", where);
                    for (Runnable r : recoverHooks) {
                        run(r);
                    }
                }
                return;
            }
            call(this::heartbeat);
            for (Runnable r : beatHooks) {
                run(r);
            }
        } catch (Unavailable e) {
            // down() logged it
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "cluster heartbeat failed", e);
        }
    }

    private static void run(Runnable hook) {
        try {
            hook.run();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "cluster hook failed", e);
        }
    }

    private Object heartbeat(UnifiedJedis j) {
        j.psetex(prefix + "node:" + nodeId, ttlMs, record.get());
        j.sadd(prefix + "nodes", nodeId);
        return null;
    }

    /** One {@code PING} and heartbeat; marks Redis up if they get through. */
    private boolean probe() {
        try {
            client.ping();
            heartbeat(client);
            up.set(true);
            return true;
        } catch (JedisException e) {
            failures.incrementAndGet();
            probeError = rootCause(e);
            return false;
        }
    }

    /** The innermost cause's message (a TLS failure is several wrappers deep). */
    private static String rootCause(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t == e ? e.toString() : e.getMessage() + ", caused by " + t;
    }

    @Override
    public void close() {
        beat.cancel(false);
        try {
            if (up.get()) {
                client.del(prefix + "node:" + nodeId); // our slots stop counting at once
                client.srem(prefix + "nodes", nodeId);
            }
        } catch (JedisException ignored) {
            // going away anyway; the heartbeat expires
        }
        client.close();
        subscriber.close();
    }
}
