package io.osprey.plugin.hls;

/**
 * The packaging settings of one stream, resolved from the plugin config and its app's overrides.
 *
 * @param format          segment container
 * @param lowLatency      LL-HLS parts, blocking reload, preload hints and delta updates
 * @param segmentMs       target segment duration
 * @param partMs          LL-HLS part target duration
 * @param window          complete segments kept and listed
 * @param maxSegmentMs    longest segment before frames are dropped to the next key frame
 * @param maxSegmentBytes largest segment before frames are dropped to the next key frame
 */
record StreamSettings(HlsFormat format, boolean lowLatency, int segmentMs, int partMs, int window, int maxSegmentMs,
                      int maxSegmentBytes) {

    /** EXT-X-TARGETDURATION floor: the configured target rounded up to whole seconds (RFC 8216 4.3.3.1). */
    int targetSeconds() {
        return (segmentMs + 999) / 1000;
    }
}
