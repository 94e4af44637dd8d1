package io.osprey.media.codec;

import java.io.IOException;

/** A codec bitstream or configuration record that is truncated or violates its specification. */
public class CodecException extends IOException {
    private static final long serialVersionUID = 1L;

    public CodecException(String message) {
        super(message);
    }
}
