package io.osprey.media.ts;

import io.osprey.spi.bus.Frame;
import java.nio.ByteBuffer;

/**
 * Builds the bytes of one MPEG-TS media segment (RFC 8216 3.2): PAT and PMT first, then every frame added, in
 * one buffer per segment sized from the previous one. The bytes handed out are read-only and never change, so
 * slices of a segment in progress can be served as LL-HLS partial segments. Not thread-safe.
 */
public final class TsSegmentWriter {
    private final TsMuxer muxer;
    private TsBuffer buffer;
    private int lastSize = 256 * 1024;
    private long firstDts;
    private long lastDts;
    private int frames;

    public TsSegmentWriter(TsMuxer muxer) {
        this.muxer = muxer;
    }

    /** Starts a segment (implicitly done by the first {@link #add}); a segment in progress is dropped. */
    public void start() {
        buffer = new TsBuffer(lastSize + lastSize / 8);
        muxer.writePatPmt(buffer);
        frames = 0;
    }

    /** Muxes {@code frame} into the current segment; false if the muxer does not carry it. */
    public boolean add(Frame frame) {
        if (buffer == null) {
            start();
        }
        if (!muxer.write(frame, buffer)) {
            return false;
        }
        if (frames++ == 0) {
            firstDts = frame.dts();
            lastDts = frame.dts();
        }
        lastDts = Math.max(lastDts, frame.dts());
        return true;
    }

    public boolean inProgress() {
        return buffer != null;
    }

    /** Bytes written to the current segment so far. */
    public int size() {
        return buffer == null ? 0 : buffer.size();
    }

    /** Frames muxed into the current segment. */
    public int frames() {
        return frames;
    }

    /** DTS in ms of the first frame in the current segment. */
    public long firstDts() {
        return firstDts;
    }

    /** Largest DTS in ms in the current segment. */
    public long lastDts() {
        return lastDts;
    }

    /** A shared read-only view of bytes {@code [from, to)} of the current segment (an LL-HLS part). */
    public ByteBuffer slice(int from, int to) {
        if (buffer == null) {
            throw new IllegalStateException("no segment in progress");
        }
        return buffer.slice(from, to);
    }

    /** Ends the segment and returns its bytes, read-only and shared. */
    public ByteBuffer finish() {
        if (buffer == null) {
            start();
        }
        ByteBuffer bytes = buffer.view();
        lastSize = buffer.size();
        buffer = null;
        return bytes;
    }
}
