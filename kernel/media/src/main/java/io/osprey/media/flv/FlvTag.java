package io.osprey.media.flv;

import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * One FLV tag (E.4.1 FLVTAG) without its header: the tag type, the 32-bit timestamp in milliseconds (Timestamp
 * and TimestampExtended joined, 0 to 2^32-1) and the body (AUDIODATA, VIDEODATA or SCRIPTDATA).
 */
public record FlvTag(int type, long timestamp, ByteBuffer body) {

    /** E.4.1 TagType 8: audio. */
    public static final int AUDIO = 8;
    /** E.4.1 TagType 9: video. */
    public static final int VIDEO = 9;
    /** E.4.1 TagType 18: script data. */
    public static final int SCRIPT = 18;

    public FlvTag {
        Objects.requireNonNull(body, "body");
    }

    /** Body size in bytes. */
    public int size() {
        return body.remaining();
    }
}
