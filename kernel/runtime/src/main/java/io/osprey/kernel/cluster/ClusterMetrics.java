package io.osprey.kernel.cluster;

import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/** {@code osprey_cluster_*} on {@code /metrics}. */
public final class ClusterMetrics {

    private ClusterMetrics() {
    }

    /** @param redis the cluster's client, or {@code null} for one node (then Redis reads as down, no failures) */
    public static void register(PrometheusRegistry registry, ClusterRedis redis, KernelCounters counters) {
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
