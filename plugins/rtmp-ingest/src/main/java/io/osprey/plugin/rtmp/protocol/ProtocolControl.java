package io.osprey.plugin.rtmp.protocol;

import java.nio.ByteBuffer;

/**
 * Builds and reads protocol control messages (5.4) and user control messages (6.2, 7.1.7). Everything built here goes
 * on chunk stream 2, message stream 0, timestamp 0, as 5.4 requires.
 */
public final class ProtocolControl {
    /** 5.4 Protocol control messages MUST use chunk stream id 2 and message stream id 0. */
    public static final int CONTROL_CSID = 2;

    /** 5.4.5 Set Peer Bandwidth limit types. */
    public static final int LIMIT_HARD = 0;
    public static final int LIMIT_SOFT = 1;
    public static final int LIMIT_DYNAMIC = 2;

    /** 7.1.7 User Control Message event types. */
    public static final int STREAM_BEGIN = 0;
    public static final int STREAM_EOF = 1;
    public static final int STREAM_DRY = 2;
    public static final int SET_BUFFER_LENGTH = 3;
    public static final int STREAM_IS_RECORDED = 4;
    public static final int PING_REQUEST = 6;
    public static final int PING_RESPONSE = 7;

    /** A parsed user control message (7.1.7): event type 2 bytes, then event data. */
    public record UserControl(int event, long value1, long value2) {
    }

    private ProtocolControl() {
    }

    /** 5.4.1 Set Chunk Size: 1 bit 0, 31 bits chunk size. */
    public static RtmpMessage setChunkSize(int size) {
        if (size < 1) {
            throw new IllegalArgumentException("chunk size must be in [1, 2^31-1], got " + size);
        }
        return control(MessageType.SET_CHUNK_SIZE, ByteBuffer.allocate(4).putInt(size));
    }

    /** 5.4.2 Abort Message: chunk stream id, 4 bytes. */
    public static RtmpMessage abort(int csid) {
        return control(MessageType.ABORT, ByteBuffer.allocate(4).putInt(csid));
    }

    /** 5.4.3 Acknowledgement: sequence number (bytes received so far), 4 bytes, wraps at 2^32. */
    public static RtmpMessage acknowledgement(long sequence) {
        return control(MessageType.ACKNOWLEDGEMENT, ByteBuffer.allocate(4).putInt((int) sequence));
    }

    /** 5.4.4 Window Acknowledgement Size: 4 bytes. */
    public static RtmpMessage windowAckSize(long size) {
        return control(MessageType.WINDOW_ACK_SIZE, ByteBuffer.allocate(4).putInt(uint32(size, "window size")));
    }

    /** 5.4.5 Set Peer Bandwidth: acknowledgement window size 4 bytes, limit type 1 byte (0 hard, 1 soft, 2 dynamic). */
    public static RtmpMessage setPeerBandwidth(long size, int limitType) {
        if (limitType < LIMIT_HARD || limitType > LIMIT_DYNAMIC) {
            throw new IllegalArgumentException("limit type must be 0, 1 or 2, got " + limitType);
        }
        ByteBuffer b = ByteBuffer.allocate(5).putInt(uint32(size, "bandwidth")).put((byte) limitType);
        return control(MessageType.SET_PEER_BANDWIDTH, b);
    }

    /** 7.1.7 Stream Begin (0): stream id 4 bytes. */
    public static RtmpMessage streamBegin(int streamId) {
        return userControl(STREAM_BEGIN, streamId);
    }

    /** 7.1.7 Stream EOF (1): stream id 4 bytes. */
    public static RtmpMessage streamEof(int streamId) {
        return userControl(STREAM_EOF, streamId);
    }

    /** 7.1.7 Stream Dry (2): stream id 4 bytes. */
    public static RtmpMessage streamDry(int streamId) {
        return userControl(STREAM_DRY, streamId);
    }

    /** 7.1.7 Stream Is Recorded (4): stream id 4 bytes. */
    public static RtmpMessage streamIsRecorded(int streamId) {
        return userControl(STREAM_IS_RECORDED, streamId);
    }

    /** 7.1.7 Ping Request (6): the server's local time, 4 bytes. */
    public static RtmpMessage pingRequest(long timestamp) {
        return userControl(PING_REQUEST, (int) timestamp);
    }

    /** 7.1.7 Ping Response (7): the timestamp received in the ping request, 4 bytes. */
    public static RtmpMessage pingResponse(long timestamp) {
        return userControl(PING_RESPONSE, (int) timestamp);
    }

    /** 7.1.7 Set Buffer Length (3): stream id 4 bytes, buffer length in milliseconds 4 bytes. */
    public static RtmpMessage setBufferLength(int streamId, int ms) {
        ByteBuffer b = ByteBuffer.allocate(10).putShort((short) SET_BUFFER_LENGTH).putInt(streamId).putInt(ms);
        return control(MessageType.USER_CONTROL, b);
    }

    /** The first 4 bytes of the payload as unsigned big-endian (Set Chunk Size, Abort, Ack, Window Ack Size). */
    public static long readUInt32(RtmpMessage m) throws RtmpProtocolException {
        ByteBuffer p = m.payload();
        if (p.remaining() < 4) {
            throw new RtmpProtocolException(MessageType.name(m.type()) + " payload has " + p.remaining()
                    + " bytes, needs 4");
        }
        return p.getInt(p.position()) & 0xFFFFFFFFL;
    }

    /** 7.1.7 User Control Message: event type 2 bytes, event data (4 bytes, or 8 for Set Buffer Length). */
    public static UserControl parseUserControl(RtmpMessage m) throws RtmpProtocolException {
        ByteBuffer p = m.payload();
        int at = p.position();
        int length = p.remaining();
        if (length < 2) {
            throw new RtmpProtocolException("user control message has " + length + " bytes, needs at least 2");
        }
        int event = p.getShort(at) & 0xFFFF;
        int needed = event == SET_BUFFER_LENGTH ? 10 : event <= PING_RESPONSE ? 6 : 2;
        if (length < needed) {
            throw new RtmpProtocolException("user control event " + event + " has " + length + " bytes, needs "
                    + needed);
        }
        long value1 = length >= 6 ? p.getInt(at + 2) & 0xFFFFFFFFL : 0;
        long value2 = length >= 10 ? p.getInt(at + 6) & 0xFFFFFFFFL : 0;
        return new UserControl(event, value1, value2);
    }

    /** Validates a received Set Chunk Size (5.4.1) against the limits and returns the new size (HOSTILE B1). */
    static int checkChunkSize(RtmpMessage m, RtmpLimits limits) throws RtmpProtocolException {
        long size = readUInt32(m);
        if (size > 0x7FFFFFFFL) {
            throw new RtmpProtocolException("Set Chunk Size has bit 31 set (" + size + "); 5.4.1 requires it be 0");
        }
        if (size < limits.minChunkSize() || size > limits.maxChunkSize()) {
            throw new RtmpProtocolException("Set Chunk Size " + size + " is outside [" + limits.minChunkSize() + ", "
                    + limits.maxChunkSize() + "]");
        }
        return (int) size;
    }

    private static RtmpMessage userControl(int event, int value) {
        return control(MessageType.USER_CONTROL, ByteBuffer.allocate(6).putShort((short) event).putInt(value));
    }

    private static RtmpMessage control(int type, ByteBuffer payload) {
        return new RtmpMessage(CONTROL_CSID, type, 0, 0, payload.flip());
    }

    private static int uint32(long value, String what) {
        if (value < 0 || value > 0xFFFFFFFFL) {
            throw new IllegalArgumentException(what + " must be unsigned 32-bit, got " + value);
        }
        return (int) value;
    }
}
