package io.osprey.plugin.rtmp.protocol;

/** RTMP message type ids: protocol control 5.4, user control 6.2, RTMP command messages 7.1. */
public final class MessageType {
    /** 5.4.1 Set Chunk Size (1). */
    public static final int SET_CHUNK_SIZE = 1;
    /** 5.4.2 Abort Message (2). */
    public static final int ABORT = 2;
    /** 5.4.3 Acknowledgement (3). */
    public static final int ACKNOWLEDGEMENT = 3;
    /** 6.2 / 7.1.7 User Control Message (4). */
    public static final int USER_CONTROL = 4;
    /** 5.4.4 Window Acknowledgement Size (5). */
    public static final int WINDOW_ACK_SIZE = 5;
    /** 5.4.5 Set Peer Bandwidth (6). */
    public static final int SET_PEER_BANDWIDTH = 6;
    /** 7.1.4 Audio Message (8). */
    public static final int AUDIO = 8;
    /** 7.1.5 Video Message (9). */
    public static final int VIDEO = 9;
    /** 7.1.2 Data Message, AMF3 (15). */
    public static final int DATA_AMF3 = 15;
    /** 7.1.3 Shared Object Message, AMF3 (16). */
    public static final int SHARED_OBJECT_AMF3 = 16;
    /** 7.1.1 Command Message, AMF3 (17). */
    public static final int COMMAND_AMF3 = 17;
    /** 7.1.2 Data Message, AMF0 (18). */
    public static final int DATA_AMF0 = 18;
    /** 7.1.3 Shared Object Message, AMF0 (19). */
    public static final int SHARED_OBJECT_AMF0 = 19;
    /** 7.1.1 Command Message, AMF0 (20). */
    public static final int COMMAND_AMF0 = 20;
    /** 7.1.6 Aggregate Message (22). */
    public static final int AGGREGATE = 22;

    private MessageType() {
    }

    /** A readable name for logs: the constant's name, or {@code UNKNOWN(n)}. */
    public static String name(int type) {
        return switch (type) {
            case SET_CHUNK_SIZE -> "SET_CHUNK_SIZE";
            case ABORT -> "ABORT";
            case ACKNOWLEDGEMENT -> "ACKNOWLEDGEMENT";
            case USER_CONTROL -> "USER_CONTROL";
            case WINDOW_ACK_SIZE -> "WINDOW_ACK_SIZE";
            case SET_PEER_BANDWIDTH -> "SET_PEER_BANDWIDTH";
            case AUDIO -> "AUDIO";
            case VIDEO -> "VIDEO";
            case DATA_AMF3 -> "DATA_AMF3";
            case SHARED_OBJECT_AMF3 -> "SHARED_OBJECT_AMF3";
            case COMMAND_AMF3 -> "COMMAND_AMF3";
            case DATA_AMF0 -> "DATA_AMF0";
            case SHARED_OBJECT_AMF0 -> "SHARED_OBJECT_AMF0";
            case COMMAND_AMF0 -> "COMMAND_AMF0";
            case AGGREGATE -> "AGGREGATE";
            default -> "UNKNOWN(" + type + ")";
        };
    }
}
