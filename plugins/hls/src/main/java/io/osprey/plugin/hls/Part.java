package io.osprey.plugin.hls;

/**
 * An LL-HLS partial segment (RFC 8216bis 4.4.4.9). Parts are numbered across the whole stream, so a preload hint
 * names a resource that will exist whichever segment it ends up in.
 *
 * @param number      stream-wide part number (the URI)
 * @param msn         the segment it belongs to
 * @param index       its Part Index within that segment (for {@code _HLS_part})
 * @param durationMs  DURATION, ms
 * @param independent starts with a key frame (INDEPENDENT=YES)
 * @param body        its bytes
 */
record Part(long number, long msn, int index, long durationMs, boolean independent, Served body) {
}
