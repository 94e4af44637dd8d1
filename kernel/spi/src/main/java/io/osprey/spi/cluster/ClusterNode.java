package io.osprey.spi.cluster;

import java.time.Instant;
import java.util.List;

/**
 * A live node of the cluster, as of its last heartbeat.
 *
 * @param id           {@code cluster.nodeId}
 * @param advertiseUrl the base URL other nodes pull from
 * @param started      when the node started
 * @param streams      streams live on the node (published there or pulled)
 * @param viewers      viewers of those streams over all protocols
 * @param bytesOut     bytes sent to viewers since the node started
 * @param owned        keys the node owns (claimed by a publish there)
 * @param pulls        keys the node pulls from other nodes (edge relays)
 * @param self         whether this is the node answering
 */
public record ClusterNode(String id, String advertiseUrl, Instant started, long streams, long viewers, long bytesOut,
                          List<String> owned, List<String> pulls, boolean self) {

    public ClusterNode {
        owned = List.copyOf(owned);
        pulls = List.copyOf(pulls);
    }
}
