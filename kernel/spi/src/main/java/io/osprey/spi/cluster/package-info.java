/**
 * Services shared by the nodes of a cluster. Without a cluster (no {@code cluster.redisUrl}) they work on this node
 * alone, in memory, with the same semantics, so a plugin is written once for both. The kernel owns the connection
 * to the cluster's store; plugins never talk to it directly.
 *
 * <p>1.1: {@link io.osprey.spi.cluster.ClusterRegistry} (nodes, stream owners, ownership changes).
 */
@Export
@Version("1.1.0")
package io.osprey.spi.cluster;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
