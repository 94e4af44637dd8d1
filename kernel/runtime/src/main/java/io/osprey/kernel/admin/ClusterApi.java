package io.osprey.kernel.admin;

import io.osprey.kernel.cluster.KernelCluster;
import io.osprey.spi.bus.StreamKey;
import io.osprey.spi.cluster.ClusterNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletionException;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * {@code GET /api/cluster} (admin token, checked by the caller's guard): this node, whether the registry is shared
 * and healthy, the live nodes with their load, and the streams with their owner and the nodes pulling them (from
 * the nodes' heartbeat records, at most a second old). While Redis is unreachable it answers 503 with the reason
 * and this node's own view. {@code GET /api/cluster?stream=app/name} looks the stream's claim up in the registry
 * itself: {@code {"stream", "owner": {node, url, token} | null}}.
 */
public final class ClusterApi extends Handler.Abstract {

    private final KernelCluster cluster;

    public ClusterApi(KernelCluster cluster) {
        this.cluster = cluster;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        if (!HttpMethod.GET.is(request.getMethod())) {
            Json.write(response, 405, Map.of("error", "use GET"), callback);
            return true;
        }
        String stream = Request.extractQueryParameters(request).getValue("stream");
        if (stream != null) {
            owner(stream, response, callback);
            return true;
        }
        cluster.nodes().whenComplete((nodes, t) -> {
            Map<String, Object> root = new LinkedHashMap<>();
            root.put("node", cluster.nodeId());
            root.put("advertiseUrl", cluster.advertiseUrl());
            root.put("clustered", cluster.clustered());
            root.put("healthy", t == null);
            List<ClusterNode> list = nodes;
            if (t != null) {
                root.put("error", cluster.unavailableReason() != null ? cluster.unavailableReason()
                        : "the cluster registry failed: " + t.getMessage());
                list = List.of(cluster.self());
            }
            root.put("nodes", list.stream().map(ClusterApi::node).toList());
            root.put("streams", streams(list));
            root.put("claims", Map.of("made", cluster.claims().claimsMade(), "refused", cluster.claims().refused(),
                    "lost", cluster.claims().lost()));
            Json.write(response, t == null ? 200 : 503, root, callback);
        });
        return true;
    }

    private void owner(String stream, Response response, Callback callback) {
        StreamKey key;
        try {
            key = StreamKey.parse(stream);
        } catch (IllegalArgumentException e) {
            Json.write(response, 400, Map.of("error", "stream must be app/name"), callback);
            return;
        }
        cluster.owner(key).whenComplete((o, t) -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("stream", key.toString());
            if (t != null) {
                Throwable c = t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
                m.put("error", c.getMessage());
                Json.write(response, 503, m, callback);
                return;
            }
            m.put("owner", o.map(x -> Map.of("node", x.nodeId(), "url", x.advertiseUrl(), "token", x.token()))
                    .orElse(null));
            Json.write(response, 200, m, callback);
        });
    }

    private static Map<String, Object> node(ClusterNode n) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", n.id());
        m.put("url", n.advertiseUrl());
        m.put("self", n.self());
        m.put("health", "up"); // listed only while its heartbeat key lives
        m.put("started", n.started().toString());
        m.put("streams", n.streams());
        m.put("viewers", n.viewers());
        m.put("bytesOut", n.bytesOut());
        m.put("owned", n.owned());
        m.put("pulls", n.pulls());
        return m;
    }

    /** Every key a node owns or pulls: its owner (null if only pulled, e.g. an owner that died) and its pullers. */
    private static List<Map<String, Object>> streams(List<ClusterNode> nodes) {
        Map<String, Map<String, Object>> byKey = new TreeMap<>();
        for (ClusterNode n : nodes) {
            for (String k : n.owned()) {
                entry(byKey, k).put("owner", n.id());
                entry(byKey, k).put("ownerUrl", n.advertiseUrl());
            }
        }
        for (ClusterNode n : nodes) {
            for (String k : n.pulls()) {
                @SuppressWarnings("unchecked")
                List<String> by = (List<String>) entry(byKey, k).get("pulledBy");
                by.add(n.id());
            }
        }
        return new ArrayList<>(byKey.values());
    }

    private static Map<String, Object> entry(Map<String, Map<String, Object>> byKey, String key) {
        return byKey.computeIfAbsent(key, k -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("stream", k);
            m.put("owner", null);
            m.put("ownerUrl", null);
            m.put("pulledBy", new ArrayList<String>());
            return m;
        });
    }
}
