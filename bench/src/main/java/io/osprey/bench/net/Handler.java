package io.osprey.bench.net;

import java.io.IOException;
import java.nio.ByteBuffer;

/** What a client connection does with its events; every call comes on the connection's loop thread. */
public interface Handler {

    /** The TCP connection is established: send the first request. */
    void onConnected(Conn c) throws IOException;

    /**
     * Bytes arrived. {@code in} is the loop's shared read buffer: consume what is useful now, keep nothing that
     * points into it (it is reused for the next connection).
     */
    void onData(Conn c, ByteBuffer in) throws IOException;

    /** The connection is closed, by either side; {@code reason} says why. Called once. */
    void onClosed(Conn c, String reason);
}
