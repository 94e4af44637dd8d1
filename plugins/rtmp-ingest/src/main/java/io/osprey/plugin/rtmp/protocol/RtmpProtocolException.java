package io.osprey.plugin.rtmp.protocol;

import java.io.IOException;

/**
 * The peer broke the RTMP protocol; the connection must be closed. The message names the rule that was broken and is
 * safe to log: it never contains handshake keys, digests or payload bytes.
 */
public final class RtmpProtocolException extends IOException {
    private static final long serialVersionUID = 1L;

    public RtmpProtocolException(String reason) {
        super(reason);
    }
}
