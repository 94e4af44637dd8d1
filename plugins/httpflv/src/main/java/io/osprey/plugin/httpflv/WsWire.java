package io.osprey.plugin.httpflv;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.function.Consumer;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.util.Callback;

/**
 * Writes a WebSocket viewer's media frames straight to its socket, with a non-blocking completion.
 *
 * <p>Why: Jetty's WebSocket frame flusher ({@code FrameFlusher}, an {@code IteratingCallback}) does not declare an
 * invocation type, so it counts as blocking, and every write that did not complete at once (the socket buffer was
 * full) is completed on a pool thread instead of the selector. With 2,000 WS-FLV viewers that pinned the pool at
 * its 512 threads, where HTTP-FLV (whose write callback is non-blocking) needs a handful. Media frames here are
 * encoded by hand (RFC 6455 5.2: a server frame is FIN/opcode, a 7-, 16- or 64-bit length, no mask) and written
 * with the viewer's own non-blocking callback.
 *
 * <p>One socket has one writer: control frames (PONG, close) still go through Jetty's session, so every write, ours
 * or Jetty's, is an operation queued here and run only when the one before has completed.
 *
 * <p>Thread-safety: {@link #run} may be called from any thread; operations run in order, one at a time.
 */
final class WsWire {

    private final EndPoint endPoint;
    private final ArrayDeque<Consumer<Callback>> queue = new ArrayDeque<>();
    private boolean busy;

    WsWire(EndPoint endPoint) {
        this.endPoint = endPoint;
    }

    /**
     * Queues {@code op}, which starts one write and completes the callback it is given when that write is done;
     * it runs now if the wire is idle.
     */
    void run(Consumer<Callback> op) {
        synchronized (this) {
            if (busy) {
                queue.add(op);
                return;
            }
            busy = true;
        }
        start(op);
    }

    /** A binary message of {@code payload}, one frame; {@code callback} is completed when it is written. */
    void binary(ByteBuffer payload, Callback callback) {
        run(done -> write(payload, callback, done));
    }

    private void write(ByteBuffer payload, Callback callback, Callback done) {
        Callback both = new Callback() {
            @Override
            public void succeeded() {
                done.succeeded();
                callback.succeeded();
            }

            @Override
            public void failed(Throwable x) {
                done.failed(x);
                callback.failed(x);
            }

            @Override
            public InvocationType getInvocationType() {
                return callback.getInvocationType();
            }
        };
        try {
            endPoint.write(both, header(payload.remaining()), payload);
        } catch (RuntimeException e) { // WritePendingException: Jetty wrote on its own (a close reply)
            both.failed(e);
        }
    }

    /** RFC 6455 5.2: FIN + opcode 0x2 (binary), then the payload length, unmasked (server to client). */
    static ByteBuffer header(int length) {
        ByteBuffer h;
        if (length < 126) {
            h = ByteBuffer.allocate(2);
            h.put((byte) 0x82).put((byte) length);
        } else if (length < 65536) {
            h = ByteBuffer.allocate(4);
            h.put((byte) 0x82).put((byte) 126).putShort((short) length);
        } else {
            h = ByteBuffer.allocate(10);
            h.put((byte) 0x82).put((byte) 127).putLong(length);
        }
        return h.flip();
    }

    private void start(Consumer<Callback> op) {
        Callback next = new Callback() {
            @Override
            public void succeeded() {
                advance();
            }

            @Override
            public void failed(Throwable x) {
                advance(); // the operation's own callback reports the failure; later ones fail on their own
            }

            @Override
            public InvocationType getInvocationType() {
                return InvocationType.NON_BLOCKING;
            }
        };
        try {
            op.accept(next);
        } catch (RuntimeException e) {
            next.failed(e); // an operation reports its own failure to its own callback
        }
    }

    private void advance() {
        Consumer<Callback> op;
        synchronized (this) {
            op = queue.poll();
            if (op == null) {
                busy = false;
                return;
            }
        }
        start(op);
    }
}
