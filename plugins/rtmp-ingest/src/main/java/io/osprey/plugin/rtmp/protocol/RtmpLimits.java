package io.osprey.plugin.rtmp.protocol;

/**
 * Bounds the chunk decoder enforces on what a peer may make it do (HOSTILE-INPUTS B1, B4, B5).
 *
 * @param minChunkSize    smallest Set Chunk Size a peer may request (5.4.1 allows 1; 128 stops 1-byte chunk CPU
 *                        amplification)
 * @param maxChunkSize    largest Set Chunk Size a peer may request
 * @param maxMessageSize  largest message length accepted in a chunk message header, checked before any allocation
 * @param maxChunkStreams how many distinct chunk stream ids one connection may use
 * @param maxCsid         largest chunk stream id accepted (65599 is the most the 3-byte basic header can express)
 */
public record RtmpLimits(int minChunkSize, int maxChunkSize, int maxMessageSize, int maxChunkStreams, int maxCsid) {

    /** Smallest csid the basic header can express (0 and 1 select the 2- and 3-byte forms), 5.3.1.1. */
    public static final int MIN_CSID = 2;
    /** Largest csid the 3-byte basic header can express: 65535 + 64, 5.3.1.1. */
    public static final int MAX_CSID = 65599;
    /** Largest message length the 3-byte length field can express, 5.3.1.2.1. */
    public static final int MAX_MESSAGE_LENGTH = 0xFFFFFF;

    /** Min chunk size 128, max chunk size 16 MiB, max message 1 MiB, 64 chunk streams, any csid. */
    public static final RtmpLimits DEFAULT = new RtmpLimits(128, 16 * 1024 * 1024, 1024 * 1024, 64, MAX_CSID);

    public RtmpLimits {
        if (minChunkSize < 1 || minChunkSize > maxChunkSize) {
            throw new IllegalArgumentException("minChunkSize must be in [1, maxChunkSize], got " + minChunkSize);
        }
        if (maxMessageSize < 0 || maxMessageSize > MAX_MESSAGE_LENGTH) {
            throw new IllegalArgumentException("maxMessageSize must be in [0, 16777215], got " + maxMessageSize);
        }
        if (maxChunkStreams < 1) {
            throw new IllegalArgumentException("maxChunkStreams must be at least 1, got " + maxChunkStreams);
        }
        if (maxCsid < MIN_CSID || maxCsid > MAX_CSID) {
            throw new IllegalArgumentException("maxCsid must be in [2, 65599], got " + maxCsid);
        }
    }
}
