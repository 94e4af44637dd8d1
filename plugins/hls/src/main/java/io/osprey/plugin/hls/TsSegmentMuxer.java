package io.osprey.plugin.hls;

import io.osprey.media.buffer.DirectPool;
import io.osprey.media.ts.TsMuxer;
import io.osprey.media.ts.TsScratch;
import io.osprey.media.ts.TsSegmentWriter;
import io.osprey.spi.bus.Frame;
import io.osprey.spi.bus.TrackInfo;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * MPEG-TS segments (RFC 8216 3.2): PAT/PMT at the start of each segment, continuity counters running on across
 * segments of one epoch. Segments are built in pooled direct memory; a part is a slice of the segment in progress,
 * shared, not copied, holding a reference to the segment's memory.
 */
final class TsSegmentMuxer implements SegmentMuxer {
    /**
     * Muxing memory, one per packaging thread instead of ~128 KiB per stream: a stream's frames are packaged one
     * at a time (on whichever bus or publisher thread delivers them) and the writer keeps nothing of it between
     * frames.
     */
    private static final ThreadLocal<TsScratch> SCRATCH = ThreadLocal.withInitial(TsScratch::new);

    /**
     * AAC frames per PES: up to 2,930 bytes (ffmpeg's default: the PES then fills 16 transport packets exactly), at
     * most 300 ms behind (nginx-rtmp's {@code hls_max_audio_delay}); segments ~5 % smaller at 1.1 Mbit/s with
     * 128 kbit/s AAC. Every cut (segment, part) writes what waits first.
     */
    static final int MERGED_AUDIO_BYTES = 2930;
    static final long MERGED_AUDIO_MS = 300;

    private final TsSegmentWriter writer;
    private int partStart;
    private int framesSinceCut;

    TsSegmentMuxer(List<TrackInfo> tracks, DirectPool pool) {
        TsMuxer muxer = new TsMuxer(tracks);
        muxer.mergeAudio(MERGED_AUDIO_BYTES, MERGED_AUDIO_MS);
        writer = new TsSegmentWriter(muxer, pool, SCRATCH::get);
    }

    @Override
    public ByteBuffer init() {
        return null;
    }

    @Override
    public boolean add(Frame frame) {
        if (!writer.inProgress()) {
            writer.start();
            partStart = 0;
        }
        if (!writer.add(frame)) {
            return false;
        }
        framesSinceCut++;
        return true;
    }

    @Override
    public int framesSinceCut() {
        return framesSinceCut;
    }

    @Override
    public int segmentBytes() {
        return writer.size();
    }

    @Override
    public Served cutPart() {
        if (framesSinceCut == 0 || !writer.inProgress()) {
            return null;
        }
        writer.flush(); // the part carries the audio merged so far
        int end = writer.size();
        Served part = Served.shared(writer.slice(partStart, end));
        partStart = end;
        framesSinceCut = 0;
        return part;
    }

    @Override
    public Served finishSegment() {
        framesSinceCut = 0;
        partStart = 0;
        return writer.inProgress() ? Served.shared(writer.finish()) : null;
    }

    @Override
    public void close() {
        framesSinceCut = 0;
        partStart = 0;
        writer.abandon();
    }
}
