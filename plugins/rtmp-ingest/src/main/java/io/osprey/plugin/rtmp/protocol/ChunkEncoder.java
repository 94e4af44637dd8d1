package io.osprey.plugin.rtmp.protocol;

import java.nio.BufferOverflowException;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;

/**
 * Splits messages into chunks (5.3), choosing the smallest message header (type 0-3) the previous message on the same
 * chunk stream allows. Extended timestamps are written per 5.3.1.3 and repeated on type-3 chunks, as Flash and FFmpeg
 * expect. Not thread-safe: one encoder per connection, used by whoever serialises that connection's writes.
 */
public final class ChunkEncoder {
    private static final int TIMESTAMP_EXTENDED = 0xFFFFFF;
    private static final int MAX_HEADER_LENGTH = 3 + 11 + 4;

    /** Send-side state of one chunk stream: the last header written on it. */
    private static final class Sent {
        long timestamp;
        long delta;
        int length;
        int type;
        int streamId;
    }

    private final Map<Integer, Sent> sent = new HashMap<>();
    private int chunkSize = 128;

    /**
     * Sets the outbound chunk size. Call it right after encoding the {@link ProtocolControl#setChunkSize} message
     * that announces it (5.4.1), so the peer switches at the same point.
     */
    public void setChunkSize(int size) {
        if (size < 1) {
            throw new IllegalArgumentException("chunk size must be positive, got " + size);
        }
        chunkSize = size;
    }

    public int chunkSize() {
        return chunkSize;
    }

    /** Forgets every chunk stream, so the next message on each starts with a type-0 header. */
    public void reset() {
        sent.clear();
    }

    /**
     * Forgets one chunk stream, so the next message on it starts with a type-0 header: call it after bytes this
     * encoder did not write (a message chunked once for many connections) went out on that chunk stream.
     */
    public void forget(int csid) {
        sent.remove(csid);
    }

    /** Encodes the whole message into one heap buffer, positioned at 0. */
    public ByteBuffer encode(RtmpMessage message) {
        ByteBuffer out = ByteBuffer.allocate(maxEncodedLength(message));
        encode(message, out);
        return out.flip();
    }

    /** Largest number of bytes {@link #encode(RtmpMessage, ByteBuffer)} may write for this message. */
    public int maxEncodedLength(RtmpMessage message) {
        int length = message.length();
        int chunks = Math.max(1, (length + chunkSize - 1) / chunkSize);
        return length + MAX_HEADER_LENGTH + (chunks - 1) * (3 + 4);
    }

    /**
     * Writes the message's chunks to {@code out} and returns the number of bytes written.
     *
     * @throws BufferOverflowException if {@code out} has fewer than {@link #maxEncodedLength} bytes remaining; nothing
     *                                 is written and the encoder's state is unchanged
     */
    public int encode(RtmpMessage message, ByteBuffer out) {
        int length = message.length();
        if (length > RtmpLimits.MAX_MESSAGE_LENGTH) {
            throw new IllegalArgumentException("message of " + length + " bytes exceeds the 24-bit length field");
        }
        if (out.remaining() < maxEncodedLength(message)) {
            throw new BufferOverflowException();
        }
        int start = out.position();
        Sent last = sent.get(message.csid());
        int fmt;
        long time;
        if (last == null || last.streamId != message.streamId() || message.timestamp() < last.timestamp) {
            // 5.3.1.2.1: type 0 starts a chunk stream and is used whenever the timestamp goes backward
            fmt = 0;
            time = message.timestamp();
            if (last == null) {
                last = new Sent();
                sent.put(message.csid(), last);
            }
        } else {
            time = message.timestamp() - last.timestamp;
            if (last.length != length || last.type != message.type()) {
                fmt = 1;
            } else {
                fmt = time == last.delta ? 3 : 2;
            }
        }
        last.timestamp = message.timestamp();
        last.delta = time;
        last.length = length;
        last.type = message.type();
        last.streamId = message.streamId();

        boolean extended = time >= TIMESTAMP_EXTENDED;
        ByteBuffer payload = message.payload();
        int from = payload.position();
        int end = payload.limit();
        writeBasicHeader(out, fmt, message.csid());
        if (fmt <= 2) {
            // 5.3.1.2.1-3: timestamp or delta 3 bytes; types 0, 1 add length 3 and type 1; type 0 adds stream id 4 LE
            put24(out, extended ? TIMESTAMP_EXTENDED : (int) time);
            if (fmt <= 1) {
                put24(out, length);
                out.put((byte) message.type());
            }
            if (fmt == 0) {
                out.putInt(Integer.reverseBytes(message.streamId()));
            }
        }
        if (extended) {
            // 5.3.1.3 Extended Timestamp, 4 bytes
            out.putInt((int) time);
        }
        while (true) {
            int n = Math.min(chunkSize, end - from);
            out.put(out.position(), payload, from, n);
            out.position(out.position() + n);
            from += n;
            if (from == end) {
                break;
            }
            // 5.3.1.2.4: continuation chunks are type 3; Flash repeats the extended timestamp on them
            writeBasicHeader(out, 3, message.csid());
            if (extended) {
                out.putInt((int) time);
            }
        }
        return out.position() - start;
    }

    /** 5.3.1.1 Chunk Basic Header: 1 byte for csid 2-63, 2 bytes for 64-319, 3 bytes (little-endian) up to 65599. */
    private static void writeBasicHeader(ByteBuffer out, int fmt, int csid) {
        if (csid < 64) {
            out.put((byte) (fmt << 6 | csid));
        } else if (csid < 320) {
            out.put((byte) (fmt << 6)).put((byte) (csid - 64));
        } else {
            int id = csid - 64;
            out.put((byte) (fmt << 6 | 1)).put((byte) id).put((byte) (id >>> 8));
        }
    }

    private static void put24(ByteBuffer out, int value) {
        out.put((byte) (value >>> 16)).put((byte) (value >>> 8)).put((byte) value);
    }
}
