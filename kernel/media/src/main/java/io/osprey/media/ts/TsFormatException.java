package io.osprey.media.ts;

import java.io.IOException;

/** A transport stream that violates ISO 13818-1 (sync, continuity, section or PES syntax). */
public class TsFormatException extends IOException {
    private static final long serialVersionUID = 1L;

    public TsFormatException(String message) {
        super(message);
    }
}
