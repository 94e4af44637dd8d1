/**
 * The kernel's cluster services, built on one Redis client owned by the kernel ({@code cluster.redisUrl}).
 *
 * <ul>
 * <li>{@link io.osprey.kernel.cluster.ClusterRedis}: the Jedis {@code RedisClient} (pooled, thread-safe) with
 *     up/down tracking. Use {@link io.osprey.kernel.cluster.ClusterRedis#call} for every command: while Redis is
 *     down it throws {@code Unavailable} at once (no call waits on a dead store) and the caller answers from its
 *     local state; {@code onRecover} hooks run when Redis answers again (write back what changed meanwhile),
 *     {@code onBeat} hooks about every second while it is up. It keeps this node's heartbeat key
 *     {@code osprey:node:<nodeId>} (TTL {@value io.osprey.kernel.cluster.ClusterRedis#NODE_TTL_MS} ms), which other
 *     services can use to tell live nodes from dead ones.</li>
 * <li>{@link io.osprey.kernel.cluster.KernelCounters}: the SPI's {@code io.osprey.spi.cluster.SharedCounters}
 *     (slots, token buckets, expiring counters) on Redis, or in memory without a cluster.</li>
 * </ul>
 *
 * <p>Keys: everything the kernel writes starts with {@code osprey:} ({@code osprey:node:}, {@code osprey:slots:},
 * {@code osprey:bucket:}, {@code osprey:counter:}); a new service (the stream registry) takes its own prefix under
 * it. Jedis stays private to the kernel: it is not exported to bundles, plugins reach these services through the
 * SPI only.
 */
package io.osprey.kernel.cluster;
