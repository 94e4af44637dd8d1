package io.osprey.plugin.rtmp.protocol;

import java.nio.ByteBuffer;
import java.util.function.Consumer;

/**
 * Splits an Aggregate Message (7.1.6) into its sub-messages, each bounds-checked against the parent (HOSTILE B11).
 *
 * <p>7.1.6: the body is a run of sub-messages, each a header (type 1 byte, payload length 3, timestamp 3 + extended
 * 1, stream id 3), the payload, and a 4-byte back pointer holding the size of the previous sub-message including its
 * header (11 + length, as in FLV). The aggregate's stream id overrides the sub-messages'; timestamps are rebased so
 * the first sub-message has the aggregate's timestamp and the others keep their offsets from it.
 */
public final class Aggregate {
    private static final int HEADER_LENGTH = 11;
    private static final int BACK_POINTER_LENGTH = 4;

    private Aggregate() {
    }

    /** Emits each sub-message in order; its payload is a slice sharing the aggregate's bytes. */
    public static void split(RtmpMessage aggregate, Consumer<RtmpMessage> out) throws RtmpProtocolException {
        if (aggregate.type() != MessageType.AGGREGATE) {
            throw new IllegalArgumentException("not an aggregate message: " + MessageType.name(aggregate.type()));
        }
        ByteBuffer body = aggregate.payload();
        int p = body.position();
        int end = body.limit();
        long firstTimestamp = -1;
        while (p < end) {
            if (end - p < HEADER_LENGTH + BACK_POINTER_LENGTH) {
                throw new RtmpProtocolException("aggregate sub-message header at offset " + (p - body.position())
                        + " is truncated (" + (end - p) + " bytes left)");
            }
            // 7.1.6 sub-message header: type 1 byte, payload length 3, timestamp 3 (+ 1 byte bits 31-24), stream id 3
            int type = body.get(p) & 0xFF;
            int length = get24(body, p + 1);
            long timestamp = ((body.get(p + 7) & 0xFFL) << 24) | get24(body, p + 4);
            if (length > end - p - HEADER_LENGTH - BACK_POINTER_LENGTH) {
                throw new RtmpProtocolException("aggregate sub-message of " + length + " bytes overruns its parent ("
                        + (end - p - HEADER_LENGTH - BACK_POINTER_LENGTH) + " bytes left)");
            }
            if (type != MessageType.AUDIO && type != MessageType.VIDEO && type != MessageType.DATA_AMF0
                    && type != MessageType.DATA_AMF3) {
                // Nothing else is meaningful inside an aggregate; a nested aggregate would invite unbounded recursion.
                throw new RtmpProtocolException("aggregate carries a sub-message of type " + MessageType.name(type));
            }
            int backPointer = body.getInt(p + HEADER_LENGTH + length);
            if (backPointer != HEADER_LENGTH + length) {
                throw new RtmpProtocolException("aggregate back pointer " + Integer.toUnsignedString(backPointer)
                        + " does not match the sub-message size " + (HEADER_LENGTH + length));
            }
            if (firstTimestamp < 0) {
                firstTimestamp = timestamp;
            }
            long rebased = (aggregate.timestamp() + timestamp - firstTimestamp) & 0xFFFFFFFFL;
            ByteBuffer payload = body.slice(p + HEADER_LENGTH, length);
            out.accept(new RtmpMessage(aggregate.csid(), type, rebased, aggregate.streamId(), payload));
            p += HEADER_LENGTH + length + BACK_POINTER_LENGTH;
        }
    }

    private static int get24(ByteBuffer b, int p) {
        return (b.get(p) & 0xFF) << 16 | (b.get(p + 1) & 0xFF) << 8 | (b.get(p + 2) & 0xFF);
    }
}
