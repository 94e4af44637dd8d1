package io.osprey.spi.cluster;

import io.osprey.spi.bus.StreamKey;
import java.util.Objects;

/**
 * Who publishes a stream for the cluster.
 *
 * @param key          the stream
 * @param nodeId       the owning node
 * @param advertiseUrl the owner's base URL for pulls ({@code cluster.advertiseUrl}), e.g. {@code http://10.0.0.5:8080};
 *                     a stream is then at {@code <advertiseUrl>/<app>/<name>.flv}
 * @param token        the claim's fencing token: it only grows, so a newer claim of the key has a larger one
 * @param self         whether the owner is this node
 */
public record StreamOwner(StreamKey key, String nodeId, String advertiseUrl, long token, boolean self) {

    public StreamOwner {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(nodeId, "nodeId");
        Objects.requireNonNull(advertiseUrl, "advertiseUrl");
    }
}
