package io.osprey.kernel.cluster;

import io.osprey.spi.cluster.SharedCounters;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import redis.clients.jedis.AbstractPipeline;

/**
 * {@link SharedCounters} for plugins: in memory on one node, on Redis when the cluster has one.
 *
 * <p>On Redis a slot counter is a hash {@code <cluster.name>:slots:<name>} with one field per node holding that node's
 * count; a Lua script adds the fields of live nodes (those with a heartbeat key, see {@link ClusterRedis}), drops
 * the dead ones and takes a slot only under the limit, atomically. This node always keeps its own holdings in
 * memory too: while Redis is down they are the limit (each node enforces the caps alone), and when it answers
 * again, or every few seconds anyway, the node writes them back, so a restarted Redis or a missed release heals.
 * Token buckets are a hash {@code osprey:bucket:<name>} refilled by a script on Redis's clock.
 */
public final class KernelCounters implements SharedCounters, AutoCloseable {

    private final String slotsPrefix;
    private final String bucketPrefix;
    private final String counterPrefix;
    private final String nodePrefix;
    /** A slot hash no node has written for this long is dropped by Redis (nodes rewrite theirs every few seconds). */
    private static final long SLOTS_TTL_MS = 60_000;
    private static final int RESYNC_EVERY_BEATS = 5;

    // KEYS[1] slot hash; ARGV node, limit, ttl ms, node key prefix. Returns the new total, or -1 if over the limit.
    private static final String ACQUIRE = """
            local f = redis.call('HGETALL', KEYS[1])
            local total = 0
            for i = 1, #f, 2 do
              if f[i] == ARGV[1] or redis.call('EXISTS', ARGV[4] .. f[i]) == 1 then
                total = total + tonumber(f[i + 1])
              else
                redis.call('HDEL', KEYS[1], f[i])
              end
            end
            if total + 1 > tonumber(ARGV[2]) then return -1 end
            redis.call('HINCRBY', KEYS[1], ARGV[1], 1)
            redis.call('PEXPIRE', KEYS[1], ARGV[3])
            return total + 1
            """;
    // KEYS[1] slot hash; ARGV node key prefix. The total of live nodes.
    private static final String HELD = """
            local f = redis.call('HGETALL', KEYS[1])
            local total = 0
            for i = 1, #f, 2 do
              if redis.call('EXISTS', ARGV[1] .. f[i]) == 1 then total = total + tonumber(f[i + 1]) end
            end
            return total
            """;
    // KEYS[1] slot hash; ARGV node. Gives back one of this node's slots.
    private static final String RELEASE = """
            local v = redis.call('HINCRBY', KEYS[1], ARGV[1], -1)
            if v <= 0 then redis.call('HDEL', KEYS[1], ARGV[1]) end
            return v
            """;
    // KEYS[1] bucket hash; ARGV rate/s, burst. 0 if a token was taken, else ms until one is due.
    private static final String TAKE = """
            local t = redis.call('TIME')
            local now = tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000
            local rate = tonumber(ARGV[1])
            local burst = tonumber(ARGV[2])
            local b = redis.call('HMGET', KEYS[1], 'tokens', 'ts')
            local tokens = tonumber(b[1]) or burst
            local ts = tonumber(b[2]) or now
            tokens = math.min(burst, tokens + math.max(0, now - ts) * rate / 1000)
            local wait = 0
            if tokens >= 1 then tokens = tokens - 1 else wait = math.max(1, math.ceil((1 - tokens) * 1000 / rate)) end
            redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'ts', tostring(now))
            redis.call('PEXPIRE', KEYS[1], math.ceil(burst * 1000 / rate) + 1000)
            return wait
            """;

    private final ClusterRedis redis;
    private final LocalCounters local = new LocalCounters();
    /** Names whose Redis field may differ from {@link #local} (changed while Redis was down). */
    private final Set<String> dirty = ConcurrentHashMap.newKeySet();
    private volatile boolean lastShared;
    private int beats;

    /**
     * @param redis the cluster's client, or {@code null} for one node
     */
    public KernelCounters(ClusterRedis redis, ScheduledExecutorService scheduler) {
        this.redis = redis;
        String prefix = redis == null ? ClusterRedis.PREFIX : redis.prefix();
        slotsPrefix = prefix + "slots:";
        bucketPrefix = prefix + "bucket:";
        counterPrefix = prefix + "counter:";
        nodePrefix = prefix + "node:";
        this.lastShared = redis != null && redis.up();
        scheduler.scheduleWithFixedDelay(local::sweep, 5, 5, TimeUnit.SECONDS);
        if (redis != null) {
            redis.onRecover(this::resync);
            redis.onBeat(() -> {
                if (++beats % RESYNC_EVERY_BEATS == 0) {
                    resync();
                }
            });
        }
    }

    @Override
    public boolean tryAcquire(String name, long limit) {
        if (redis != null) {
            try {
                long total = redis.call(j -> (Long) j.eval(ACQUIRE, 1, slotsPrefix + name, redis.nodeId(),
                        Long.toString(limit), Long.toString(SLOTS_TTL_MS), nodePrefix));
                lastShared = true;
                if (total < 0) {
                    return false;
                }
                local.add(name);
                return true;
            } catch (ClusterRedis.Unavailable e) {
                lastShared = false;
                dirty.add(name);
            }
        }
        return local.tryAcquire(name, limit);
    }

    @Override
    public void release(String name) {
        local.release(name);
        if (redis != null) {
            try {
                redis.call(j -> j.eval(RELEASE, 1, slotsPrefix + name, redis.nodeId()));
            } catch (ClusterRedis.Unavailable e) {
                dirty.add(name);
            }
        }
    }

    @Override
    public long held(String name) {
        if (redis != null) {
            try {
                return redis.call(j -> (Long) j.eval(HELD, 1, slotsPrefix + name, nodePrefix));
            } catch (ClusterRedis.Unavailable e) {
                // this node's own
            }
        }
        return local.held(name);
    }

    @Override
    public long take(String name, double ratePerSecond, double burst) {
        if (!(ratePerSecond > 0) || !(burst >= 1)) {
            throw new IllegalArgumentException("rate must be > 0 and burst >= 1");
        }
        if (redis != null) {
            try {
                long wait = redis.call(j -> (Long) j.eval(TAKE, 1, bucketPrefix + name, Double.toString(ratePerSecond),
                        Double.toString(burst)));
                lastShared = true;
                return wait;
            } catch (ClusterRedis.Unavailable e) {
                lastShared = false;
            }
        }
        return local.take(name, ratePerSecond, burst);
    }

    @Override
    public long incrementBy(String name, long delta, Duration ttl) {
        long ms = Math.max(1, ttl.toMillis());
        if (redis != null) {
            try {
                long v = redis.call(j -> {
                    long n = j.incrBy(counterPrefix + name, delta);
                    j.pexpire(counterPrefix + name, ms);
                    return n;
                });
                lastShared = true;
                return v;
            } catch (ClusterRedis.Unavailable e) {
                lastShared = false;
            }
        }
        return local.incrementBy(name, delta, TimeUnit.MILLISECONDS.toNanos(ms));
    }

    @Override
    public boolean shared() {
        return redis != null && lastShared && redis.up();
    }

    /** Local token buckets currently kept (for tests of memory under many keys). */
    public int localBuckets() {
        return local.buckets();
    }

    /** Writes this node's holdings to Redis: every name it holds, and those that changed while Redis was down. */
    void resync() {
        Map<String, Long> mine = local.slots();
        List<String> stale = dirty.stream().filter(n -> !mine.containsKey(n)).toList();
        try {
            redis.call(j -> {
                try (AbstractPipeline p = j.pipelined()) {
                    mine.forEach((name, n) -> {
                        p.hset(slotsPrefix + name, redis.nodeId(), Long.toString(n));
                        p.pexpire(slotsPrefix + name, SLOTS_TTL_MS);
                    });
                    stale.forEach(name -> p.hdel(slotsPrefix + name, redis.nodeId()));
                    p.sync();
                }
                return null;
            });
            dirty.removeAll(stale);
            dirty.removeAll(mine.keySet());
            lastShared = true;
        } catch (ClusterRedis.Unavailable e) {
            lastShared = false;
        }
    }

    @Override
    public void close() {
        // the scheduler and the client belong to the kernel; nothing of our own to free
    }
}
