package io.osprey.plugin.hls;

/**
 * A complete media segment in the window.
 *
 * @param msn           media sequence number
 * @param startDts      DTS of its first frame, ms
 * @param durationMs    EXTINF, ms
 * @param pdtMillis     wall-clock time of its first frame (EXT-X-PROGRAM-DATE-TIME), epoch ms
 * @param discontinuity preceded by EXT-X-DISCONTINUITY
 * @param init          the init section it needs (fMP4), or -1
 * @param body          its bytes
 * @param format        its container (a live format change empties the window, so all listed ones agree)
 */
record Segment(long msn, long startDts, long durationMs, long pdtMillis, boolean discontinuity, int init,
               Served body, HlsFormat format) {
}
