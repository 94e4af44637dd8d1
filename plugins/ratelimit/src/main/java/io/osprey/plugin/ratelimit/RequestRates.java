package io.osprey.plugin.ratelimit;

import io.osprey.spi.bus.StreamKey;
import io.osprey.spi.cluster.SharedCounters;
import java.net.InetAddress;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The request-rate buckets of {@code plugins.ratelimit.requests}: one {@link Gcra} per client address, token and
 * stream, and one for the total. A request that finds its bucket costs one map lookup and one compare-and-set, with
 * no allocation; a new key allocates its bucket once. Buckets that have refilled are dropped by {@link #sweep}, so
 * a flood from many addresses leaves memory flat once it stops (at most the keys of one sweep period are kept).
 * With {@code requests.shared} and a cluster, the buckets live in the cluster's store instead (one round trip).
 */
final class RequestRates {

    /** Which bucket refused. */
    enum Rule {
        PER_IP("requests.perIp"), PER_TOKEN("requests.perToken"), PER_STREAM("requests.perStream"),
        TOTAL("requests.total");

        final String key;
        final String reason;

        Rule(String key) {
            this.key = key;
            this.reason = "request rate over " + key;
        }
    }

    /** A refusal: the rule and the nanoseconds until a request would pass. Immutable. */
    record Over(Rule rule, long waitNanos) {
    }

    private final ConcurrentHashMap<InetAddress, Gcra> perIp = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Gcra> perToken = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<StreamKey, Gcra> perStream = new ConcurrentHashMap<>();
    private final Gcra total = new Gcra();
    private final SharedCounters shared;

    RequestRates(SharedCounters shared) {
        this.shared = shared;
    }

    /** Counts a request without a stream: address, token, total. Returns null if allowed. */
    Over client(RateLimitConfig.Requests c, InetAddress address, String token, long now) {
        boolean cluster = c.shared && shared.shared();
        if (c.perIp.on()) {
            long w = take(perIp, address, c.perIp, "ip:", now, cluster);
            if (w > 0) {
                return new Over(Rule.PER_IP, w);
            }
        }
        if (token != null && c.perToken.on()) {
            long w = take(perToken, token, c.perToken, "token:", now, cluster);
            if (w > 0) {
                return new Over(Rule.PER_TOKEN, w);
            }
        }
        if (c.total.on()) {
            long w = cluster ? sharedTake("total", c.total) : total.take(now, c.total.rate,
                    c.total.size());
            if (w > 0) {
                return new Over(Rule.TOTAL, w);
            }
        }
        return null;
    }

    /** Counts a request for a stream. Returns null if allowed. */
    Over stream(RateLimitConfig.Requests c, StreamKey stream, long now) {
        if (!c.perStream.on()) {
            return null;
        }
        long w = take(perStream, stream, c.perStream, "stream:", now, c.shared && shared.shared());
        return w > 0 ? new Over(Rule.PER_STREAM, w) : null;
    }

    private <K> long take(ConcurrentHashMap<K, Gcra> map, K key, RateLimitConfig.Rate r, String prefix, long now,
                          boolean cluster) {
        if (cluster) {
            return sharedTake(prefix + (key instanceof InetAddress a ? a.getHostAddress() : key), r);
        }
        Gcra g = map.get(key);
        if (g == null) {
            Gcra fresh = new Gcra();
            g = map.putIfAbsent(key, fresh);
            if (g == null) {
                g = fresh;
            }
        }
        return g.take(now, r.rate, r.size());
    }

    private long sharedTake(String name, RateLimitConfig.Rate r) {
        long ms = shared.take("ratelimit:req:" + name, r.rate, r.size());
        return ms * 1_000_000L;
    }

    /** Drops refilled buckets. */
    void sweep(long now) {
        perIp.values().removeIf(g -> g.idle(now));
        perToken.values().removeIf(g -> g.idle(now));
        perStream.values().removeIf(g -> g.idle(now));
    }

    int buckets() {
        return perIp.size() + perToken.size() + perStream.size();
    }
}
