package io.osprey.kernel.cluster;

import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/** {@code osprey_cluster_*} on {@code /metrics}. */
public final class ClusterMetrics {

    private ClusterMetrics() {
    }

    /** @param redis the cluster's client, or {@code null} for one node (then Redis reads as down, no failures) */
    public static void register(PrometheusRegistry registry, ClusterRedis redis, KernelCounters counters,
                                StreamClaims claims) {
        CounterWithCallback.builder().name("osprey_cluster_registry_calls")
                .help("Redis round trips of the cluster services (registry, claims, counters, heartbeats)")
                .callback(cb -> cb.call(redis == null ? 0 : redis.calls())).register(registry);
        CounterWithCallback.builder().name("osprey_cluster_registry_seconds")
                .help("Time spent in those round trips; divide by osprey_cluster_registry_calls_total for the mean")
                .callback(cb -> cb.call(redis == null ? 0 : redis.callNanos() / 1e9)).register(registry);
        CounterWithCallback.builder().name("osprey_cluster_claims")
                .help("Streams this node claimed for the cluster (publishes that started a stream here)")
                .callback(cb -> cb.call(claims.claimsMade())).register(registry);
        CounterWithCallback.builder().name("osprey_cluster_claims_refused")
                .help("Publishes refused because another node owns the key")
                .callback(cb -> cb.call(claims.refused())).register(registry);
        CounterWithCallback.builder().name("osprey_cluster_claims_lost")
                .help("Streams ended here because another node took their key over")
                .callback(cb -> cb.call(claims.lost())).register(registry);
        CounterWithCallback.builder().name("osprey_cluster_claim_waits")
                .help("Publishes whose thread waited for a Redis claim (one round trip each)")
                .callback(cb -> cb.call(claims.claimWaits())).register(registry);
        CounterWithCallback.builder().name("osprey_cluster_claim_wait_seconds")
                .help("Time publishers' threads spent waiting for their claims; divide by "
                        + "osprey_cluster_claim_waits_total for the mean")
                .callback(cb -> cb.call(claims.claimWaitNanos() / 1e9)).register(registry);
        GaugeWithCallback.builder().name("osprey_cluster_claim_wait_max_seconds")
                .help("The longest a publisher's thread waited for its claim since start (bound: cluster.timeoutMs)")
                .callback(cb -> cb.call(claims.claimWaitMaxNanos() / 1e9)).register(registry);
        GaugeWithCallback.builder().name("osprey_cluster_streams_owned")
                .help("Keys this node owns for the cluster")
                .callback(cb -> cb.call(claims.keys().size())).register(registry);
        GaugeWithCallback.builder().name("osprey_cluster_redis_up")
                .help("1 while the cluster's Redis answers (0: none configured, or unreachable: limits are local)")
                .callback(cb -> cb.call(redis != null && redis.up() ? 1 : 0)).register(registry);
        CounterWithCallback.builder().name("osprey_cluster_redis_failures")
                .help("Redis calls and probes that failed (an outage starts with one, then one probe a second)")
                .callback(cb -> cb.call(redis == null ? 0 : redis.failures())).register(registry);
        GaugeWithCallback.builder().name("osprey_cluster_local_buckets")
                .help("Token buckets kept in this node's memory (idle ones are dropped)")
                .callback(cb -> cb.call(counters.localBuckets())).register(registry);
    }
}
