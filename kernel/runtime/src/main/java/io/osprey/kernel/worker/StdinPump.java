package io.osprey.kernel.worker;

import io.osprey.spi.worker.WorkerInput;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;

/**
 * A worker's stdin ({@link WorkerInput}): offers are queued up to a byte bound and written into the pipe by one
 * kernel thread, so the feeding plugin never blocks on a child that reads slowly. When the child ends, its pipe
 * breaks and the queue is dropped; {@link #close} ends stdin after the queued bytes.
 */
final class StdinPump implements WorkerInput {

    private final OutputStream pipe;
    private final long maxBytes;
    private final ArrayDeque<ByteBuffer> queue = new ArrayDeque<>();
    private long queued;
    private volatile long written;
    private boolean closed;

    StdinPump(OutputStream pipe, long maxBytes) {
        this.pipe = pipe;
        this.maxBytes = maxBytes;
    }

    @Override
    public boolean offer(ByteBuffer bytes) {
        int n = bytes.remaining();
        synchronized (this) {
            if (closed || queued + n > maxBytes) {
                return false;
            }
            queue.add(bytes.duplicate());
            queued += n;
            notifyAll();
        }
        return true;
    }

    @Override
    public synchronized long queuedBytes() {
        return queued;
    }

    @Override
    public long writtenBytes() {
        return written;
    }

    @Override
    public synchronized void close() {
        closed = true;
        notifyAll();
    }

    /** Drops what is queued and refuses more: the child ended or was killed. */
    synchronized void abort() {
        closed = true;
        queue.clear();
        queued = 0;
        notifyAll();
    }

    /** The writer thread's body: until closed and drained, or the pipe breaks. */
    void run() {
        byte[] chunk = new byte[64 * 1024];
        try (pipe) {
            while (true) {
                ByteBuffer b;
                synchronized (this) {
                    while (queue.isEmpty() && !closed) {
                        wait();
                    }
                    if (queue.isEmpty()) {
                        return;
                    }
                    b = queue.peek();
                }
                int size = b.remaining();
                while (b.hasRemaining()) {
                    int n = Math.min(chunk.length, b.remaining());
                    b.get(chunk, 0, n);
                    pipe.write(chunk, 0, n);
                    written += n;
                }
                pipe.flush();
                synchronized (this) {
                    if (queue.peek() == b) {
                        queue.poll();
                        queued -= size;
                    }
                }
            }
        } catch (IOException | InterruptedException e) {
            abort(); // the child closed its stdin or ended
        }
    }
}
