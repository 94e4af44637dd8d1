package io.osprey.plugin.rtmp;

import io.osprey.media.amf0.Amf0;
import io.osprey.media.amf0.Amf0Object;
import io.osprey.media.amf0.Amf0Writer;
import io.osprey.plugin.rtmp.protocol.MessageType;
import io.osprey.plugin.rtmp.protocol.RtmpMessage;
import java.nio.ByteBuffer;

/** Builders for the AMF0 command and data messages the server sends (RTMP 7.2). */
final class Commands {

    /** Chunk stream ids we send on: commands, data/audio/video of a play session. */
    static final int CSID_COMMAND = 3;
    static final int CSID_DATA = 5;
    static final int CSID_AUDIO = 4;
    static final int CSID_VIDEO = 6;

    private Commands() {
    }

    static RtmpMessage command(int streamId, Object... values) {
        return new RtmpMessage(CSID_COMMAND, MessageType.COMMAND_AMF0, 0, streamId,
                ByteBuffer.wrap(Amf0Writer.encode(values)));
    }

    static RtmpMessage data(int streamId, long timestamp, Object... values) {
        return new RtmpMessage(CSID_DATA, MessageType.DATA_AMF0, timestamp, streamId,
                ByteBuffer.wrap(Amf0Writer.encode(values)));
    }

    static Amf0Object object(Object... kv) {
        Amf0Object o = new Amf0Object();
        for (int i = 0; i < kv.length; i += 2) {
            o.put((String) kv[i], kv[i + 1]);
        }
        return o;
    }

    /** {@code _result} for connect (7.2.1.1). */
    static RtmpMessage connectResult(double txId) {
        return command(0, "_result", txId,
                object("fmsVer", "FMS/3,5,7,7009", "capabilities", 31.0, "mode", 1.0),
                object("level", "status", "code", "NetConnection.Connect.Success", "description",
                        "Connection succeeded.", "objectEncoding", 0.0));
    }

    static RtmpMessage result(double txId, Object value) {
        return command(0, "_result", txId, null, value);
    }

    static RtmpMessage error(double txId, String code, String description) {
        return command(0, "_error", txId, null, object("level", "error", "code", code, "description", description));
    }

    /** {@code onStatus} on a message stream (7.2.2). */
    static RtmpMessage status(int streamId, String level, String code, String description) {
        return command(streamId, "onStatus", 0.0, null,
                object("level", level, "code", code, "description", description));
    }

    static Object undefined() {
        return Amf0.UNDEFINED;
    }
}
