package io.osprey.spi.cluster;

/** The cluster's store cannot be reached; the message says why (safe to show a viewer: no credentials). */
public class ClusterUnavailableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ClusterUnavailableException(String message) {
        super(message);
    }
}
