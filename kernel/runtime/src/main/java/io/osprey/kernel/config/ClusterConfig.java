package io.osprey.kernel.config;

import io.osprey.spi.ConfigException;
import io.osprey.spi.PluginConfig;
import java.util.ArrayList;
import java.util.List;

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
    /** This node's name in the cluster; empty: the host name and the HTTP port ({@code edge1-8080}). */
    public String nodeId = "";
    /**
     * The base URL other nodes pull this node's streams from ({@code http://10.0.0.5:8080}); empty: {@code http://}
     * the host name and the HTTP port.
     */
    public String advertiseUrl = "";
    /** Namespace of every key the cluster writes ({@code <name>:node:...}): clusters sharing a Redis differ in it. */
    public String name = "osprey";
    /** Life of a node's heartbeat and of its stream claims without renewal, ms (renewed every second). */
    public long ttlMs = 5_000;
    /**
     * With {@code rediss://}: a PEM file of the certificates to trust (a private CA, or the server's self-signed
     * certificate) instead of the JVM's trust store; empty: the JVM's. The certificate must name the host either way.
     */
    public String tlsCaFile = "";
    /** With Sentinel: the master's name; {@link #redisUrl} then gives only password, TLS and database. */
    public String sentinelMaster = "";
    /** With Sentinel: the sentinels, {@code host:port} each. */
    public List<String> sentinels = new ArrayList<>();

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
        ConfigException.check(advertiseUrl != null && (advertiseUrl.isEmpty() || advertiseUrl.matches("https?://[^\\s/]+(/\\S*)?")),
                "advertiseUrl", "must be empty or an http(s):// base URL, was '" + advertiseUrl + "'");
        ConfigException.check(name != null && name.matches("[A-Za-z0-9_.-]{1,32}"), "name",
                "must be 1 to 32 of A-Z a-z 0-9 _ . -");
        ConfigException.check(ttlMs >= 1_500 && ttlMs <= 600_000, "ttlMs", "must be 1500..600000 (heartbeats are "
                + "every second), was " + ttlMs);
        ConfigException.check(sentinelMaster != null && sentinels != null, "sentinels", "must be a list");
        ConfigException.check(sentinelMaster.isEmpty() == sentinels.isEmpty(), "sentinelMaster",
                "sentinelMaster and sentinels go together");
        ConfigException.check(sentinelMaster.isEmpty() || !redisUrl.isEmpty(), "redisUrl",
                "must be set with Sentinel too (its password, TLS and database are used; its host is not)");
        ConfigException.check(tlsCaFile != null, "tlsCaFile", "must be a string");
        if (!tlsCaFile.isEmpty()) {
            ConfigException.check(redisUrl.startsWith("rediss://"), "tlsCaFile", "is for TLS: redisUrl must start "
                    + "with rediss://");
            ConfigException.check(java.nio.file.Files.isReadable(java.nio.file.Path.of(tlsCaFile)), "tlsCaFile",
                    "cannot read " + tlsCaFile);
        }
        for (String h : sentinels) {
            ConfigException.check(h != null && h.matches("[^\\s:]+:\\d{1,5}"), "sentinels", "each must be host:port, was '"
                    + h + "'");
        }
        ConfigException.check(nodeId != null && nodeId.matches("[A-Za-z0-9_.-]{0,64}"), "nodeId",
                "must be up to 64 of A-Z a-z 0-9 _ . -");
    }
}
