package io.osprey.spi.bus;

/** What a track carries. */
public enum MediaKind {
    VIDEO, AUDIO,
    /** Timed script data (AMF0 in FLV/RTMP): cue points, captions, probes. */
    DATA
}
