package io.osprey.kernel.cluster;

import io.osprey.kernel.bus.PublishClaims;
import io.osprey.spi.bus.StreamBusyException;
import io.osprey.spi.bus.StreamKey;
import io.osprey.spi.cluster.StreamOwner;
import java.lang.System.Logger.Level;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BiConsumer;

/**
 * Cluster-wide ownership of published keys. On Redis a claim is the key {@code <ns>stream:<app>/<name>} holding
 * {@code "<token> <node> <advertiseUrl>"} with a TTL of {@code cluster.ttlMs}: set only if absent (first writer
 * wins) or, for a takeover, over another node's claim; the token comes from {@code INCR <ns>fence}, so a newer
 * claim always carries a larger one. Each heartbeat renews this node's claims; a claim found replaced by another
 * node's means a takeover there, and the local stream is ended ({@code onLost}). While Redis is down publishes are
 * allowed and remembered; when it answers again they are claimed (a key claimed elsewhere meanwhile is lost here).
 * Every change is announced on {@code <ns>events} as {@code claim <key> <token> <node> <url>} or
 * {@code release <key> <node>}.
 */
public final class StreamClaims implements PublishClaims {

    private static final System.Logger LOG = System.getLogger(StreamClaims.class.getName());

    // KEYS stream key, fence; ARGV node, url, ttl ms, takeover (1/0), channel.
    private static final String CLAIM = """
            local cur = redis.call('GET', KEYS[1])
            if cur then
              local owner = string.match(cur, '^%d+ (%S+)')
              if owner == ARGV[1] then
                redis.call('PEXPIRE', KEYS[1], ARGV[3])
                return 'ok ' .. cur
              end
              if ARGV[4] ~= '1' then return 'busy ' .. cur end
            end
            local v = redis.call('INCR', KEYS[2]) .. ' ' .. ARGV[1] .. ' ' .. ARGV[2]
            redis.call('SET', KEYS[1], v, 'PX', ARGV[3])
            redis.call('PUBLISH', ARGV[5], 'claim ' .. ARGV[6] .. ' ' .. v)
            return 'ok ' .. v
            """;
    // KEYS stream key; ARGV value, ttl ms. Renews our claim, writes it back if Redis lost it, reports a takeover.
    private static final String RENEW = """
            local cur = redis.call('GET', KEYS[1])
            if cur == ARGV[1] then redis.call('PEXPIRE', KEYS[1], ARGV[2]) return 'ok' end
            if not cur then redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2]) return 'ok' end
            return 'lost ' .. cur
            """;
    // KEYS stream key; ARGV value, channel, key, node. Deletes our claim only.
    private static final String RELEASE = """
            if redis.call('GET', KEYS[1]) == ARGV[1] then
              redis.call('DEL', KEYS[1])
              redis.call('PUBLISH', ARGV[2], 'release ' .. ARGV[3] .. ' ' .. ARGV[4])
              return 1
            end
            return 0
            """;

    /** A claim this node holds; {@code value} is null until Redis confirmed it. */
    private record Held(String value, long token) {
    }

    private final ClusterRedis redis;
    private final String nodeId;
    private final String url;
    private final ConcurrentHashMap<StreamKey, Held> held = new ConcurrentHashMap<>();
    private final AtomicLong localTokens = new AtomicLong();
    private final AtomicLong claimsMade = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();
    private final AtomicLong lost = new AtomicLong();
    /** Time publishers' threads spent in {@link #claim} waiting for Redis: total, count and largest, ns. */
    private final LongAdder claimWaitNanos = new LongAdder();
    private final LongAdder claimWaits = new LongAdder();
    private final AtomicLong claimWaitMaxNanos = new AtomicLong();
    private volatile BiConsumer<StreamKey, String> onLost = (k, why) -> { };
    private volatile BiConsumer<StreamKey, Optional<StreamOwner>> localEvents = (k, o) -> { };

    /** @param redis the cluster's client, or {@code null} for one node (claims then only name this node) */
    public StreamClaims(ClusterRedis redis, String nodeId, String url) {
        this.redis = redis;
        this.nodeId = nodeId;
        this.url = url;
        if (redis != null) {
            redis.onBeat(this::renew);
            redis.onRecover(this::renew);
        }
    }

    /** Called (on the kernel's scheduler) with a key whose claim another node took: end the local stream. */
    public void onLost(BiConsumer<StreamKey, String> onLost) {
        this.onLost = onLost;
    }

    /** Without Redis: told of this node's claims and releases (the in-memory registry's change events). */
    void localEvents(BiConsumer<StreamKey, Optional<StreamOwner>> events) {
        this.localEvents = events;
    }

    String streamKey(StreamKey key) {
        return redis.prefix() + "stream:" + key;
    }

    String channel() {
        return redis.prefix() + "events";
    }

    @Override
    public boolean claim(StreamKey key, boolean takeover) throws StreamBusyException {
        if (redis == null) {
            held.put(key, new Held(null, localTokens.incrementAndGet()));
            claimsMade.incrementAndGet();
            localEvents.accept(key, Optional.of(new StreamOwner(key, nodeId, url, held.get(key).token(), true)));
            return true;
        }
        // The caller (the publisher's I/O thread) waits here: one Redis round trip, at most cluster.timeoutMs when
        // Redis stops answering mid-call, nothing while Redis is known to be down (call() fails at once).
        String r;
        long t0 = System.nanoTime();
        try {
            r = eval(key, takeover);
        } catch (ClusterRedis.Unavailable e) {
            waited(t0);
            held.put(key, new Held(null, 0)); // claimed when Redis answers again
            LOG.log(Level.INFO, "stream {0}: published while Redis is unreachable; claimed for the cluster when it "
                    + "answers", key);
            return true;
        }
        waited(t0);
        if (r.startsWith("busy ")) {
            refused.incrementAndGet();
            StreamOwner other = parse(key, r.substring(5));
            throw new StreamBusyException(key, "stream " + key + " is already being published on node "
                    + (other == null ? "?" : other.nodeId()));
        }
        String value = r.substring(3);
        held.put(key, new Held(value, parse(key, value).token()));
        claimsMade.incrementAndGet();
        return true;
    }

    private void waited(long t0) {
        long ns = System.nanoTime() - t0;
        claimWaitNanos.add(ns);
        claimWaits.increment();
        claimWaitMaxNanos.accumulateAndGet(ns, Math::max);
        if (ns > 50_000_000L) {
            LOG.log(Level.WARNING, "a publisher''s thread waited {0} ms for its cluster claim (Redis slow or gone; "
                    + "the bound is cluster.timeoutMs)", ns / 1_000_000);
        }
    }

    private String eval(StreamKey key, boolean takeover) throws ClusterRedis.Unavailable {
        return redis.call(j -> (String) j.eval(CLAIM, 2, streamKey(key), redis.prefix() + "fence", nodeId, url,
                Long.toString(redis.ttlMs()), takeover ? "1" : "0", channel(), key.toString()));
    }

    @Override
    public void release(StreamKey key) {
        Held h = held.remove(key);
        if (h == null) {
            return;
        }
        if (redis == null) {
            localEvents.accept(key, Optional.empty());
        } else if (h.value() != null) {
            delete(key, h);
        }
    }

    private void delete(StreamKey key, Held h) {
        try {
            redis.call(j -> j.eval(RELEASE, 1, streamKey(key), h.value(), channel(), key.toString(), nodeId));
        } catch (ClusterRedis.Unavailable e) {
            // the claim expires after cluster.ttlMs
        }
    }

    /** Renews this node's claims (each heartbeat), claims those made while Redis was down, ends lost ones. */
    void renew() {
        for (Map.Entry<StreamKey, Held> e : held.entrySet()) {
            StreamKey key = e.getKey();
            Held h = e.getValue();
            String r;
            try {
                r = h.value() == null ? eval(key, false)
                        : redis.call(j -> (String) j.eval(RENEW, 1, streamKey(key), h.value(),
                                Long.toString(redis.ttlMs())));
            } catch (ClusterRedis.Unavailable ex) {
                return;
            }
            if (r.equals("ok")) {
                if (held.get(key) != h) {
                    delete(key, h); // released while we renewed: do not leave it behind
                }
                continue;
            }
            if (r.startsWith("ok ")) {
                String value = r.substring(3);
                Held confirmed = new Held(value, parse(key, value).token());
                if (!held.replace(key, h, confirmed)) {
                    delete(key, confirmed);
                }
                continue;
            }
            String cur = r.substring(r.indexOf(' ') + 1);
            StreamOwner other = parse(key, cur);
            if (held.remove(key, h)) {
                lost.incrementAndGet();
                String who = other == null ? "another node" : "node " + other.nodeId();
                LOG.log(Level.WARNING, "stream {0}: {1} owns it now ({2}); ending it here", key, who,
                        h.value() == null ? "claimed there while Redis was unreachable" : "taken over");
                onLost.accept(key, "taken over by a publisher on " + who);
            }
        }
    }

    /** This node's claim of {@code key}, if it holds one. */
    Optional<StreamOwner> local(StreamKey key) {
        Held h = held.get(key);
        return h == null ? Optional.empty() : Optional.of(new StreamOwner(key, nodeId, url, h.token(), true));
    }

    /** Keys this node holds. */
    java.util.Set<StreamKey> keys() {
        return held.keySet();
    }

    /** Parses a claim value {@code "<token> <node> <url>"}; null if malformed. */
    StreamOwner parse(StreamKey key, String value) {
        String[] p = value.split(" ", 3);
        if (p.length != 3) {
            return null;
        }
        try {
            return new StreamOwner(key, p[1], p[2], Long.parseLong(p[0]), p[1].equals(nodeId));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    public long claimsMade() {
        return claimsMade.get();
    }

    public long refused() {
        return refused.get();
    }

    public long lost() {
        return lost.get();
    }

    /** Claims that asked Redis, and the time their callers' threads waited in total and at most, ns. */
    public long claimWaits() {
        return claimWaits.sum();
    }

    public long claimWaitNanos() {
        return claimWaitNanos.sum();
    }

    public long claimWaitMaxNanos() {
        return claimWaitMaxNanos.get();
    }
}
