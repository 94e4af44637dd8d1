package io.osprey.plugin.httpflv;

import java.nio.ByteBuffer;
import org.eclipse.jetty.util.Callback;

/** Where a viewer's FLV bytes go: a chunked HTTP response or a WebSocket session. Non-blocking. */
interface FlvSink {

    /** Writes {@code bytes} (read-only, shared: never modified); one write at a time. */
    void write(ByteBuffer bytes, Callback callback);

    /** The stream ended: finish cleanly (HTTP: the last chunk; WebSocket: close 1000). */
    void end();

    /** Drop the connection (too slow, plugin stopping, write failure). */
    void abort(String reason, Throwable cause);

    /** The client's address (IP, no port) for refusal logs; {@code "?"} when unknown. */
    String client();
}
