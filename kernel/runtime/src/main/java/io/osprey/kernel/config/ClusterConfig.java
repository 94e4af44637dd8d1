package io.osprey.kernel.config;

import io.osprey.kernel.cluster.RedisUrl;
import io.osprey.spi.ConfigException;
import io.osprey.spi.PluginConfig;

/**
 * The {@code cluster} section. Empty {@link #redisUrl}: one node, everything in memory. With a URL the kernel
 * opens one Redis client that the cluster services share (shared counters today; the stream registry builds on
 * the same client). Read at start-up.
 */
public final class ClusterConfig implements PluginConfig {

    /** {@code redis://[user:password@]host[:port][/db]}, {@code rediss://} for TLS; empty for no cluster. */
    public String redisUrl = "";
    /** Connect and read timeout of each Redis call, ms; a slower store counts as unreachable. */
    public int timeoutMs = 250;
    /** This node's name in the cluster; empty: a random one at each start. */
    public String nodeId = "";

    @Override
    public void validate() {
        ConfigException.check(redisUrl != null, "redisUrl", "must be a string");
        if (!redisUrl.isEmpty()) {
            try {
                RedisUrl.parse(redisUrl);
            } catch (IllegalArgumentException e) {
                throw new ConfigException("redisUrl", e.getMessage());
            }
        }
        ConfigException.check(timeoutMs >= 10 && timeoutMs <= 60_000, "timeoutMs", "must be 10..60000, was " + timeoutMs);
        ConfigException.check(nodeId != null && nodeId.matches("[A-Za-z0-9_.-]{0,64}"), "nodeId",
                "must be up to 64 of A-Z a-z 0-9 _ . -");
    }
}
