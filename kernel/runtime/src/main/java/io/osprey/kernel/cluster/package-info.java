/**
 * The kernel's cluster services, built on one Redis client owned by the kernel ({@code cluster.redisUrl}).
 *
 * <ul>
 * <li>{@link io.osprey.kernel.cluster.ClusterRedis}: the Jedis {@code RedisClient} (pooled, thread-safe) with
 *     up/down tracking. Use {@link io.osprey.kernel.cluster.ClusterRedis#call} for every command: while Redis is
 *     down it throws {@code Unavailable} at once (no call waits on a dead store) and the caller answers from its
 *     local state; {@code onRecover} hooks run when Redis answers again (write back what changed meanwhile),
 *     {@code onBeat} hooks about every second while it is up. It keeps this node's heartbeat key
 *     {@code <cluster.name>:node:<nodeId>} (TTL {@code cluster.ttlMs}, holding the node's record), which other
 *     services can use to tell live nodes from dead ones.</li>
 * <li>{@link io.osprey.kernel.cluster.KernelCounters}: the SPI's {@code io.osprey.spi.cluster.SharedCounters}
 *     (slots, token buckets, expiring counters) on Redis, or in memory without a cluster.</li>
 *
 * <li>{@link io.osprey.kernel.cluster.StreamClaims}: cluster-wide ownership of published keys, asked by the bus.</li>
 * <li>{@link io.osprey.kernel.cluster.KernelCluster}: the SPI's {@code ClusterRegistry} (nodes, owners, changes).</li>
 * </ul>
 *
 * <p>Keys: everything the kernel writes starts with {@code cluster.name} and a colon (default {@code osprey:}):
 * {@code node:<id>} (a node's heartbeat and record), {@code nodes} (set of ids), {@code stream:<app>/<name>} (a
 * claim: {@code "<token> <node> <url>"}), {@code fence} (the fencing counter), {@code events} (pub/sub channel of
 * ownership changes), {@code slots:}, {@code bucket:}, {@code counter:} (shared counters). Jedis stays private to the kernel: it is not exported to bundles, plugins reach these services through the
 * SPI only.
 */
package io.osprey.kernel.cluster;
