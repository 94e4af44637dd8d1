package io.osprey.media.flv;

import java.io.IOException;

/** Malformed or truncated FLV data, or data beyond a configured limit. */
public class FlvFormatException extends IOException {

    private static final long serialVersionUID = 1L;

    public FlvFormatException(String message) {
        super(message);
    }
}
