package io.osprey.media.amf0;

import java.io.IOException;

/** Malformed AMF0 input, an unsupported marker, or a decoding limit exceeded. */
public class Amf0Exception extends IOException {

    private static final long serialVersionUID = 1L;

    public Amf0Exception(String message) {
        super(message);
    }
}
