package io.osprey.plugin.rtmp.protocol;

import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * One RTMP message (5.1) as it travels on a chunk stream.
 *
 * <p>The payload is positioned at 0 with its limit at the message length. A decoded message's payload is a fresh heap
 * buffer owned by whoever receives it; the decoder keeps no reference. Equality compares the payload's remaining
 * bytes, so two messages are equal when their headers and bytes are.
 *
 * @param csid      chunk stream id the message travels on (2..65599)
 * @param type      message type id, see {@link MessageType}
 * @param timestamp absolute RTMP timestamp in milliseconds, unsigned 32-bit (0..2^32-1), rolling over
 * @param streamId  message stream id (the 4-byte little-endian field of 5.3.1.2.1, as a Java int)
 * @param payload   the message bytes
 */
public record RtmpMessage(int csid, int type, long timestamp, int streamId, ByteBuffer payload) {

    public RtmpMessage {
        if (csid < RtmpLimits.MIN_CSID || csid > RtmpLimits.MAX_CSID) {
            throw new IllegalArgumentException("csid must be in [2, 65599], got " + csid);
        }
        if (type < 0 || type > 0xFF) {
            throw new IllegalArgumentException("type must be one byte, got " + type);
        }
        if (timestamp < 0 || timestamp > 0xFFFFFFFFL) {
            throw new IllegalArgumentException("timestamp must be unsigned 32-bit, got " + timestamp);
        }
        Objects.requireNonNull(payload, "payload");
    }

    /** Payload length in bytes. */
    public int length() {
        return payload.remaining();
    }

    @Override
    public String toString() {
        return "RtmpMessage[csid=" + csid + ", type=" + MessageType.name(type) + ", timestamp=" + timestamp
                + ", streamId=" + streamId + ", length=" + payload.remaining() + "]";
    }
}
