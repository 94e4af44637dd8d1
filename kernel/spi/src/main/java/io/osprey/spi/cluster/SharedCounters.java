package io.osprey.spi.cluster;

import java.time.Duration;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Counters, slots and token buckets that hold for the whole cluster when {@code cluster.redisUrl} is configured,
 * and for this node alone otherwise. Names are free-form strings chosen by the caller; prefix them with the plugin
 * id ({@code ratelimit:viewers:stream:live/cam1}) so plugins do not collide.
 *
 * <p><b>Threading.</b> Every method is thread-safe. With a cluster store a call is one round trip to it, bounded
 * by {@code cluster.timeoutMs}; callers on a network thread should use it for rare events (a connection opening),
 * not for every byte. When the store is unreachable the kernel answers from this node's own counts at once (no
 * call waits for a dead store), logs the outage once, counts it in {@code osprey_cluster_redis_failures_total} and
 * reconnects by itself; {@link #shared()} tells which mode answered last.
 *
 * <p><b>Slots</b> ({@link #tryAcquire}/{@link #release}) are held by this node: if the node dies its slots are
 * freed by the cluster after the node's heartbeat expires, and after an outage of the store the node writes its
 * current holdings back, so counts do not drift.
 *
 * <pre>{@code
 * SharedCounters c = ctx.counters();
 * if (!c.tryAcquire("ratelimit:viewers:stream:" + key, 3)) {
 *     return Admission.reject("too many viewers of " + key, 5);
 * }
 * return Admission.admit(() -> c.release("ratelimit:viewers:stream:" + key));
 * }</pre>
 */
@ProviderType
public interface SharedCounters {

    /**
     * Takes one slot of {@code name} if the slots held over the cluster stay at most {@code limit}.
     *
     * @return {@code true} if taken: the caller must {@link #release} it exactly once
     */
    boolean tryAcquire(String name, long limit);

    /** Gives back one slot of {@code name} that this node took with {@link #tryAcquire}. */
    void release(String name);

    /** Slots of {@code name} held over the cluster (this node's when not shared). */
    long held(String name);

    /**
     * Takes one token from the bucket {@code name}, which holds at most {@code burst} tokens and gains
     * {@code ratePerSecond} per second (a new bucket starts full). Idle buckets are forgotten once full again.
     *
     * @return 0 if a token was taken; otherwise the milliseconds until one will be available (at least 1)
     */
    long take(String name, double ratePerSecond, double burst);

    /**
     * Adds {@code delta} to the counter {@code name}, which expires {@code ttl} after its last change.
     *
     * @return the counter's value after the change
     */
    long incrementBy(String name, long delta, Duration ttl);

    /** Whether the last answers came from the cluster's store ({@code false}: this node only). */
    boolean shared();
}
