package io.osprey.media.mp4;

import java.io.IOException;

/** An ISO BMFF structure that is truncated or contradicts ISO 14496-12, with the offset where it was found. */
public class Mp4FormatException extends IOException {
    private static final long serialVersionUID = 1L;
    private final long offset;

    public Mp4FormatException(String message, long offset) {
        super(message + " (at offset " + offset + ")");
        this.offset = offset;
    }

    /** Where the offending box or field starts, relative to the reader's source. */
    public long offset() {
        return offset;
    }
}
