package io.osprey.bench.net;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;

/**
 * One non-blocking client connection on a {@link Loop}. All methods must be called on the loop thread. Outgoing
 * buffers are written at once when nothing is queued, otherwise queued and written with one gathering write when
 * the socket is writable again.
 */
public final class Conn {

    private static final int GATHER = 64;

    private final Loop loop;
    private final SocketChannel channel;
    private final Handler handler;
    private final ArrayDeque<ByteBuffer> out = new ArrayDeque<>();
    private final ByteBuffer[] gather = new ByteBuffer[GATHER];
    private SelectionKey key;
    private long queued;
    private long bytesIn;
    private long bytesOut;
    private boolean closed;
    private Object attachment;

    Conn(Loop loop, SocketChannel channel, Handler handler) {
        this.loop = loop;
        this.channel = channel;
        this.handler = handler;
    }

    void register(SelectionKey k) {
        this.key = k;
    }

    public Loop loop() {
        return loop;
    }

    public Handler handler() {
        return handler;
    }

    public boolean isClosed() {
        return closed;
    }

    /** Bytes read from the socket so far. */
    public long bytesIn() {
        return bytesIn;
    }

    /** Bytes handed to the socket so far. */
    public long bytesOut() {
        return bytesOut;
    }

    /** Bytes waiting for the socket to accept them. */
    public long queuedBytes() {
        return queued;
    }

    public Object attachment() {
        return attachment;
    }

    public void attach(Object o) {
        attachment = o;
    }

    /** Sends {@code buf} (its remaining bytes); the buffer must not be changed afterwards. */
    public void send(ByteBuffer buf) {
        if (closed || !buf.hasRemaining()) {
            return;
        }
        if (out.isEmpty() && key != null && (key.interestOps() & SelectionKey.OP_CONNECT) == 0) {
            try {
                bytesOut += channel.write(buf);
            } catch (IOException e) {
                close("write failed: " + e.getMessage());
                return;
            }
            if (!buf.hasRemaining()) {
                return;
            }
        }
        out.add(buf);
        queued += buf.remaining();
        if (key != null && key.isValid() && (key.interestOps() & SelectionKey.OP_CONNECT) == 0) {
            key.interestOps(key.interestOps() | SelectionKey.OP_WRITE);
        }
    }

    void onConnectable() {
        try {
            if (!channel.finishConnect()) {
                return;
            }
        } catch (IOException e) {
            close("connect failed: " + e.getMessage());
            return;
        }
        key.interestOps(SelectionKey.OP_READ | (out.isEmpty() ? 0 : SelectionKey.OP_WRITE));
        try {
            handler.onConnected(this);
        } catch (IOException | RuntimeException e) {
            close("error after connect: " + e);
        }
    }

    void onWritable() {
        try {
            while (!out.isEmpty()) {
                int n = 0;
                long want = 0;
                for (ByteBuffer b : out) {
                    gather[n++] = b;
                    want += b.remaining();
                    if (n == GATHER) {
                        break;
                    }
                }
                long w = channel.write(gather, 0, n);
                java.util.Arrays.fill(gather, 0, n, null);
                bytesOut += w;
                queued -= w;
                while (!out.isEmpty() && !out.peek().hasRemaining()) {
                    out.poll();
                }
                if (w < want) {
                    break; // the socket is full: wait for OP_WRITE
                }
            }
        } catch (IOException e) {
            close("write failed: " + e.getMessage());
            return;
        }
        if (out.isEmpty() && key.isValid()) {
            key.interestOps(key.interestOps() & ~SelectionKey.OP_WRITE);
        }
    }

    /** Reads once into the loop's buffer and hands the bytes to the handler. */
    void onReadable(ByteBuffer buf) {
        int n;
        try {
            buf.clear();
            n = channel.read(buf);
        } catch (IOException e) {
            close("read failed: " + e.getMessage());
            return;
        }
        if (n < 0) {
            close("closed by server");
            return;
        }
        bytesIn += n;
        buf.flip();
        try {
            handler.onData(this, buf);
        } catch (IOException | RuntimeException e) {
            close("protocol error: " + e.getMessage());
        }
    }

    /** Closes the socket (abortively: no lingering) and tells the handler once. */
    public void close(String reason) {
        if (closed) {
            return;
        }
        closed = true;
        out.clear();
        queued = 0;
        if (key != null) {
            key.cancel();
        }
        try {
            channel.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        loop.closed(this);
        handler.onClosed(this, reason);
    }
}
