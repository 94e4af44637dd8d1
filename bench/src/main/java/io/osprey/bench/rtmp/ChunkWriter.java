package io.osprey.bench.rtmp;

import java.nio.ByteBuffer;

/**
 * The client's RTMP chunk encoder (RTMP 1.0 section 5.3): every message starts with a type-0 chunk (full header)
 * and continues in type-3 chunks; timestamps of 0xFFFFFF and above go in the Extended Timestamp field, which is
 * repeated in each type-3 chunk of the message as the specification and the common servers expect. Chunk stream
 * ids 2 to 63 only (one-byte basic header). Deliberately minimal: a load generator needs no header compression.
 */
public final class ChunkWriter {

    public static final int CSID_CONTROL = 2;
    public static final int CSID_COMMAND = 3;
    public static final int CSID_AUDIO = 4;
    public static final int CSID_DATA = 5;
    public static final int CSID_VIDEO = 6;

    private int chunkSize = 128;

    /** The chunk size for messages encoded from now on (after sending Set Chunk Size). */
    public void chunkSize(int size) {
        if (size < 1 || size > 0x7FFFFFFF) {
            throw new IllegalArgumentException("chunk size " + size);
        }
        chunkSize = size;
    }

    public int chunkSize() {
        return chunkSize;
    }

    /** The chunks of one message, ready to send. */
    public ByteBuffer encode(int csid, int type, long timestamp, int streamId, byte[] body) {
        return encode(csid, type, timestamp, streamId, body, 0, body.length);
    }

    public ByteBuffer encode(int csid, int type, long timestamp, int streamId, byte[] body, int off, int len) {
        if (csid < 2 || csid > 63) {
            throw new IllegalArgumentException("csid " + csid);
        }
        long ts = timestamp & 0xFFFFFFFFL;
        boolean ext = ts >= 0xFFFFFF;
        int chunks = Math.max(1, (len + chunkSize - 1) / chunkSize);
        int size = 12 + (ext ? 4 : 0) + len + (chunks - 1) * (1 + (ext ? 4 : 0));
        ByteBuffer b = ByteBuffer.allocate(size);
        b.put((byte) csid); // fmt 0
        int field = ext ? 0xFFFFFF : (int) ts;
        u24(b, field);
        u24(b, len);
        b.put((byte) type);
        b.put((byte) streamId).put((byte) (streamId >>> 8)).put((byte) (streamId >>> 16)).put((byte) (streamId >>> 24));
        if (ext) {
            b.putInt((int) ts);
        }
        int done = 0;
        while (true) {
            int n = Math.min(chunkSize, len - done);
            b.put(body, off + done, n);
            done += n;
            if (done >= len) {
                break;
            }
            b.put((byte) (0xC0 | csid)); // fmt 3
            if (ext) {
                b.putInt((int) ts);
            }
        }
        return b.flip();
    }

    private static void u24(ByteBuffer b, int v) {
        b.put((byte) (v >>> 16)).put((byte) (v >>> 8)).put((byte) v);
    }
}
