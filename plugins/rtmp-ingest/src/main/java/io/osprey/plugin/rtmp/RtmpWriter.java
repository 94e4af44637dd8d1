package io.osprey.plugin.rtmp;

import io.osprey.plugin.rtmp.protocol.ChunkEncoder;
import io.osprey.plugin.rtmp.protocol.MessageType;
import io.osprey.plugin.rtmp.protocol.RtmpMessage;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.List;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.util.Callback;

/**
 * The outbound side of one RTMP connection: messages are chunked (5.3) into a queue and sent as one gathered write at a
 * time. The queue's size is known, so the reader can stop reading while a peer that does not read its replies lets
 * them pile up (HOSTILE-INPUTS A4). Thread-safe: play sessions send from bus threads, replies come from reads.
 */
final class RtmpWriter {

    /** Queued bytes above which the connection stops reading until the queue drains. */
    static final long HIGH_WATER = 1 << 20;

    /** What the connection does when writes finish or fail. */
    interface Owner {
        /** The queue is empty; {@code resumeReading} when reads were paused for it. */
        void onDrained(boolean resumeReading);

        void onWriteFailed(Throwable x);
    }

    private final EndPoint endPoint;
    private final Owner owner;
    private final ChunkEncoder encoder = new ChunkEncoder();
    private final ArrayDeque<ByteBuffer> queue = new ArrayDeque<>();
    /** Bytes queued or in the write in flight. */
    private long queuedBytes;
    private long inFlight;
    private boolean writing;
    private boolean readPaused;
    private boolean closed;
    private final Callback callback = new Callback() {
        @Override
        public void succeeded() {
            written();
        }

        @Override
        public void failed(Throwable x) {
            owner.onWriteFailed(x);
        }

        @Override
        public InvocationType getInvocationType() {
            return InvocationType.NON_BLOCKING;
        }
    };

    RtmpWriter(EndPoint endPoint, Owner owner) {
        this.endPoint = endPoint;
        this.owner = owner;
    }

    /** Chunks and queues messages, in order, and starts a write if none is in flight. */
    void send(RtmpMessage... messages) {
        synchronized (this) {
            for (RtmpMessage m : messages) {
                add(m);
            }
        }
        flush();
    }

    void send(List<RtmpMessage> messages) {
        synchronized (this) {
            for (RtmpMessage m : messages) {
                add(m);
            }
        }
        flush();
    }

    /**
     * Queues messages already chunked elsewhere (shared by many connections) with this connection's chunk size, each
     * starting with a type-0 header; {@code csids} has bit {@code 1 << csid} set for each chunk stream they use (all
     * below 32), which the encoder then forgets so its next message there starts with a type-0 header too.
     */
    void sendChunked(List<ByteBuffer> chunked, int csids) {
        synchronized (this) {
            for (ByteBuffer b : chunked) {
                queue.add(b);
                queuedBytes += b.remaining();
            }
            for (int csid = 0; csids != 0; csid++, csids >>>= 1) {
                if ((csids & 1) != 0) {
                    encoder.forget(csid);
                }
            }
        }
        flush();
    }

    /** The chunk size announced to the peer (what {@link #sendChunked} bytes must use). */
    synchronized int chunkSize() {
        return encoder.chunkSize();
    }

    /** Queues bytes that are not chunked (the handshake reply). */
    void raw(ByteBuffer bytes) {
        synchronized (this) {
            queue.add(bytes);
            queuedBytes += bytes.remaining();
        }
        flush();
    }

    private void add(RtmpMessage m) {
        ByteBuffer b = encoder.encode(m);
        queue.add(b);
        queuedBytes += b.remaining();
        if (m.type() == MessageType.SET_CHUNK_SIZE && m.streamId() == 0) {
            // 5.4.1: the new size applies to every chunk after this message
            encoder.setChunkSize(m.payload().getInt(0) & 0x7FFFFFFF);
        }
    }

    /** If more than {@link #HIGH_WATER} bytes wait, marks reading paused and returns true: do not read on. */
    synchronized boolean pauseReadingIfBacklogged() {
        if (queuedBytes > HIGH_WATER && !closed) {
            readPaused = true;
            return true;
        }
        return false;
    }

    /** Whether nothing is queued or being written (play sessions poll only then). */
    synchronized boolean idle() {
        return !writing && queue.isEmpty();
    }

    synchronized void close() {
        closed = true;
        queue.clear();
    }

    private void flush() {
        ByteBuffer[] bufs;
        synchronized (this) {
            if (writing || queue.isEmpty() || closed) {
                return;
            }
            writing = true;
            bufs = queue.toArray(new ByteBuffer[0]);
            queue.clear();
            inFlight = queuedBytes;
        }
        endPoint.write(callback, bufs);
    }

    private void written() {
        boolean more;
        boolean resume = false;
        synchronized (this) {
            writing = false;
            queuedBytes -= inFlight;
            inFlight = 0;
            more = !queue.isEmpty();
            if (!more && readPaused) {
                readPaused = false;
                resume = !closed;
            }
        }
        if (more) {
            flush();
        } else {
            owner.onDrained(resume);
        }
    }
}
