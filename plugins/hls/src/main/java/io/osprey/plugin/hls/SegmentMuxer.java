package io.osprey.plugin.hls;

import io.osprey.media.buffer.DirectPool;
import io.osprey.spi.bus.Codec;
import io.osprey.spi.bus.Frame;
import io.osprey.spi.bus.TrackInfo;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * Turns the frames of one stream epoch (one set of codec configs) into segment bytes, and segments into LL-HLS
 * parts. Bytes handed out are read-only and never change while referenced; each {@link Served} returned carries
 * one reference owned by the caller (see {@link Served}). Not thread-safe: the packager's thread only.
 */
interface SegmentMuxer {

    /**
     * A muxer for {@code tracks} in {@code format}, taking segment memory from {@code pool}; {@code direct}: keep
     * segments off the heap (TS segments always are).
     */
    static SegmentMuxer of(HlsFormat format, List<TrackInfo> tracks, DirectPool pool, boolean direct) {
        return format == HlsFormat.FMP4 ? new Fmp4SegmentMuxer(tracks, pool, direct)
                : new TsSegmentMuxer(tracks, pool);
    }

    /** Whether this format can carry {@code codec}. */
    static boolean carries(HlsFormat format, Codec codec) {
        return switch (codec) {
            case H264, H265, AAC, MP3 -> true;
            case AV1, OPUS -> format == HlsFormat.FMP4;
            default -> false;
        };
    }

    /** The initialization section (fMP4 {@code ftyp}+{@code moov}), or null for formats without one. */
    ByteBuffer init();

    /** Muxes a media frame into the current segment; false if it is not carried (then nothing was written). */
    boolean add(Frame frame);

    /** Frames added since the last part or segment boundary. */
    int framesSinceCut();

    /** Bytes held for the segment in progress. */
    int segmentBytes();

    /** Ends the current part: the bytes added since the last part, or null if nothing was added. */
    Served cutPart();

    /** Ends the current segment (ending its last part first if parts are in use) and returns its bytes, or null. */
    Served finishSegment();

    /** Drops the segment in progress, if any, letting go of its memory (parts handed out keep theirs). */
    void close();
}
