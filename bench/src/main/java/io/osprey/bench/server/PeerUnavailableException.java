package io.osprey.bench.server;

/** A peer cannot run here; the message says what to install (the bench installs nothing silently). */
public final class PeerUnavailableException extends Exception {

    private static final long serialVersionUID = 1L;

    public PeerUnavailableException(String message) {
        super(message);
    }
}
