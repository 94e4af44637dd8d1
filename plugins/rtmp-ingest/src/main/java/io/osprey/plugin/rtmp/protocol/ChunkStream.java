package io.osprey.plugin.rtmp.protocol;

/**
 * Receive-side state of one chunk stream: the last message header (5.3.1.2, which fmt 1-3 chunks inherit) and the
 * partially received payload of the message in progress.
 */
final class ChunkStream {
    final int csid;
    /** Absolute timestamp of the current (or last) message, unsigned 32-bit. */
    long timestamp;
    /** The delta a type-3 chunk that starts a new message applies (5.3.1.2.4): last delta, or the type-0 timestamp. */
    long delta;
    int length;
    int type;
    int streamId;
    /** Whether the last type 0/1/2 header carried 0xFFFFFF and so an extended timestamp field (5.3.1.3). */
    boolean extended;
    /** The value of that extended timestamp field, which Flash repeats on type-3 chunks. */
    long extendedValue;
    /** A message has started (its first chunk was read) and not yet completed. */
    boolean inMessage;
    /** Payload bytes received so far; grows with what arrives, never to more than {@link #length}. */
    byte[] buffer;
    int filled;

    ChunkStream(int csid) {
        this.csid = csid;
    }
}
