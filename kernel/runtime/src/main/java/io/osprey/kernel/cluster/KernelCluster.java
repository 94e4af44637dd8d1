package io.osprey.kernel.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.osprey.kernel.bus.Bus;
import io.osprey.kernel.bus.SessionViewers;
import io.osprey.spi.Registration;
import io.osprey.spi.bus.StreamKey;
import io.osprey.spi.bus.StreamView;
import io.osprey.spi.cluster.ClusterNode;
import io.osprey.spi.cluster.ClusterRegistry;
import io.osprey.spi.cluster.ClusterUnavailableException;
import io.osprey.spi.cluster.OwnershipListener;
import io.osprey.spi.cluster.StreamOwner;
import java.lang.System.Logger.Level;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;

/**
 * The kernel's {@link ClusterRegistry}. Without Redis it answers from this node's bus and claims. With Redis,
 * lookups run on {@code executor} (one round trip each, bounded by {@code cluster.timeoutMs}); this node's record
 * (URL, start, load, owned and pulled keys) is written as JSON into its heartbeat key every second; ownership
 * changes arrive through {@link ClusterEvents}.
 */
public final class KernelCluster implements ClusterRegistry, AutoCloseable {

    private static final System.Logger LOG = System.getLogger(KernelCluster.class.getName());
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ClusterRedis redis;
    private final StreamClaims claims;
    private final Bus bus;
    private final String nodeId;
    private final String url;
    private final Instant started = Instant.now();
    private final Executor executor;
    private final CopyOnWriteArrayList<OwnershipListener> listeners = new CopyOnWriteArrayList<>();
    private final ClusterEvents events;

    /** @param redis the cluster's client, or {@code null} for one node */
    public KernelCluster(ClusterRedis redis, StreamClaims claims, Bus bus, String nodeId, String url,
                         Executor executor) {
        this.redis = redis;
        this.claims = claims;
        this.bus = bus;
        this.nodeId = nodeId;
        this.url = url;
        this.executor = executor;
        claims.onLost((key, why) -> bus.kick(key, why));
        if (redis == null) {
            events = null;
            claims.localEvents(this::fire);
        } else {
            redis.record(this::record);
            events = new ClusterEvents(redis, claims, this::fire);
        }
    }

    @Override
    public String nodeId() {
        return nodeId;
    }

    /** Base URL other nodes pull from. */
    public String advertiseUrl() {
        return url;
    }

    @Override
    public boolean clustered() {
        return redis != null;
    }

    /** Whether the store answers (always true for one node). */
    public boolean healthy() {
        return redis == null || redis.up();
    }

    /** Why lookups fail now, or null. */
    public String unavailableReason() {
        return healthy() ? null : "the cluster registry is unavailable: Redis at " + redis.where()
                + " does not answer";
    }

    public StreamClaims claims() {
        return claims;
    }

    @Override
    public CompletionStage<Optional<StreamOwner>> owner(StreamKey key) {
        Optional<StreamOwner> mine = claims.local(key);
        if (redis == null || mine.isPresent()) {
            return CompletableFuture.completedFuture(mine);
        }
        if (!redis.up()) {
            return CompletableFuture.failedFuture(new ClusterUnavailableException(unavailableReason()));
        }
        return CompletableFuture.supplyAsync(() -> {
            try {
                String v = redis.call(j -> j.get(claims.streamKey(key)));
                return v == null ? Optional.<StreamOwner>empty() : Optional.ofNullable(claims.parse(key, v));
            } catch (ClusterRedis.Unavailable e) {
                throw new ClusterUnavailableException(unavailableReason());
            }
        }, executor);
    }

    @Override
    public CompletionStage<List<ClusterNode>> nodes() {
        if (redis == null) {
            return CompletableFuture.completedFuture(List.of(self()));
        }
        if (!redis.up()) {
            return CompletableFuture.failedFuture(new ClusterUnavailableException(unavailableReason()));
        }
        return CompletableFuture.supplyAsync(this::readNodes, executor);
    }

    private List<ClusterNode> readNodes() {
        try {
            String p = redis.prefix();
            List<String> ids = new ArrayList<>(redis.call(j -> j.smembers(p + "nodes")));
            ids.sort(null);
            if (ids.isEmpty()) {
                return List.of();
            }
            List<String> records = redis.call(j -> j.mget(ids.stream().map(id -> p + "node:" + id)
                    .toArray(String[]::new)));
            List<ClusterNode> out = new ArrayList<>();
            List<String> dead = new ArrayList<>();
            for (int i = 0; i < ids.size(); i++) {
                String r = records.get(i);
                ClusterNode n = r == null ? null : parseNode(ids.get(i), r);
                if (n == null) {
                    dead.add(ids.get(i));
                } else {
                    out.add(n);
                }
            }
            if (!dead.isEmpty()) {
                redis.call(j -> j.srem(p + "nodes", dead.toArray(String[]::new)));
            }
            return out;
        } catch (ClusterRedis.Unavailable e) {
            throw new ClusterUnavailableException(unavailableReason());
        }
    }

    private ClusterNode parseNode(String id, String record) {
        try {
            JsonNode n = JSON.readTree(record);
            return new ClusterNode(id, n.path("url").asText(""), Instant.ofEpochMilli(n.path("started").asLong()),
                    n.path("streams").asLong(), n.path("viewers").asLong(), n.path("bytesOut").asLong(),
                    strings(n.path("owned")), strings(n.path("pulls")), id.equals(nodeId));
        } catch (Exception e) {
            return null; // an old or foreign record: not a node of ours
        }
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(x -> out.add(x.asText()));
        return out;
    }

    /** This node as the others see it. */
    public ClusterNode self() {
        long viewers = 0;
        List<String> pulls = new ArrayList<>();
        List<StreamView> live = bus.streams();
        for (StreamView s : live) {
            viewers += SessionViewers.of(bus).stats(s).totalViewers();
            if ("relay".equals(s.publisherProtocol()) && !s.isEnded()) {
                pulls.add(s.key().toString());
            }
        }
        List<String> owned = claims.keys().stream().map(StreamKey::toString).sorted().toList();
        pulls.sort(null);
        return new ClusterNode(nodeId, url, started, live.size(), viewers, bus.bytesOut(), owned, pulls, true);
    }

    private String record() {
        ClusterNode n = self();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("url", n.advertiseUrl());
        m.put("started", n.started().toEpochMilli());
        m.put("streams", n.streams());
        m.put("viewers", n.viewers());
        m.put("bytesOut", n.bytesOut());
        m.put("owned", n.owned());
        m.put("pulls", n.pulls());
        try {
            return JSON.writeValueAsString(m);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public Registration listen(OwnershipListener listener) {
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    private void fire(StreamKey key, Optional<StreamOwner> owner) {
        for (OwnershipListener l : listeners) {
            try {
                l.ownerChanged(key, owner);
            } catch (Throwable t) {
                LOG.log(Level.WARNING, "ownership listener failed on " + key, t);
            }
        }
    }

    @Override
    public void close() {
        if (events != null) {
            events.close();
        }
    }
}
