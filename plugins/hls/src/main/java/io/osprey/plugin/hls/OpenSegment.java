package io.osprey.plugin.hls;

/**
 * The segment in progress as far as the playlist shows it (LL-HLS lists its parts before it is complete).
 *
 * @param msn           its media sequence number once complete
 * @param pdtMillis     wall-clock time of its first frame
 * @param discontinuity it follows a discontinuity
 * @param init          its init section (fMP4), or -1
 */
record OpenSegment(long msn, long pdtMillis, boolean discontinuity, int init) {
}
