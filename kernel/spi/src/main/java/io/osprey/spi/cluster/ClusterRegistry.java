package io.osprey.spi.cluster;

import io.osprey.spi.Registration;
import io.osprey.spi.bus.StreamKey;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The cluster's registry of nodes and stream owners. Without {@code cluster.redisUrl} it describes this node alone
 * (in memory); with Redis every node sees the others' heartbeats and the owners of their streams.
 *
 * <p><b>Ownership is the kernel's.</b> A publish on the bus (any protocol but {@code relay}) claims its key for
 * this node before the stream starts: the first node wins ({@code SET NX PX} with a fencing token), a second
 * publisher elsewhere is refused like a second publisher here (or takes over, per the ingest's busy policy), the
 * claim is renewed every second by this node's heartbeat and released when the stream ends. A node that dies
 * loses its claims after {@code cluster.ttlMs}. Plugins read owners; they never claim.
 *
 * <p><b>Threading.</b> Every method is thread-safe and none blocks: lookups run on a kernel thread, bounded by
 * {@code cluster.timeoutMs}, and complete their stage there. While the store is unreachable lookups fail at once
 * with {@link ClusterUnavailableException} (its message is the reason to give a viewer); local publish and play
 * keep working, and the kernel re-establishes heartbeat and claims by itself when the store answers again.
 *
 * <pre>{@code
 * ClusterRegistry cluster = ctx.cluster();
 * cluster.owner(key).thenAccept(o -> o.filter(owner -> !owner.self())
 *         .ifPresent(owner -> pull(owner.advertiseUrl() + "/" + key + ".flv")));
 * }</pre>
 *
 * @since 1.1
 */
@ProviderType
public interface ClusterRegistry {

    /** This node's id ({@code cluster.nodeId}). */
    String nodeId();

    /** Whether the registry is shared through a store ({@code false}: one node, in memory). */
    boolean clustered();

    /**
     * The node that owns {@code key}, if any node does. Completes exceptionally with
     * {@link ClusterUnavailableException} while the store is unreachable.
     */
    CompletionStage<Optional<StreamOwner>> owner(StreamKey key);

    /** The live nodes, this one included, with their load as of their last heartbeat. */
    CompletionStage<List<ClusterNode>> nodes();

    /**
     * Tells {@code listener} of changes of stream ownership anywhere in the cluster (claims, take-overs,
     * releases; not expiries of dead nodes' claims, which nobody announces). Remove it by closing the
     * registration (also done when the plugin stops).
     */
    Registration listen(OwnershipListener listener);
}
