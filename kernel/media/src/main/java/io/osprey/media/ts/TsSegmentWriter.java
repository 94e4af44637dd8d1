package io.osprey.media.ts;

import io.osprey.spi.bus.Frame;
import java.nio.ByteBuffer;

/**
 * Builds the bytes of one MPEG-TS media segment (RFC 8216 3.2): PAT and PMT first, then every frame added, in
 * one direct (off-heap) buffer per segment sized from the previous one. Each frame is muxed into a reused heap
 * scratch buffer and copied once into the segment, so a segment in progress, which lives for its whole duration,
 * is never copied or promoted by the garbage collector. The bytes handed out are read-only and never change, so
 * slices of a segment in progress can be served as LL-HLS partial segments. Not thread-safe.
 */
public final class TsSegmentWriter {
    private final TsMuxer muxer;
    private final TsBuffer scratch = new TsBuffer(64 * 1024);
    private ByteBuffer segment; // direct; position = bytes written
    private int lastSize = 256 * 1024;
    private long firstDts;
    private long lastDts;
    private int frames;

    public TsSegmentWriter(TsMuxer muxer) {
        this.muxer = muxer;
    }

    /** Starts a segment (implicitly done by the first {@link #add}); a segment in progress is dropped. */
    public void start() {
        segment = ByteBuffer.allocateDirect(lastSize + lastSize / 8);
        scratch.reset();
        muxer.writePatPmt(scratch);
        copyScratch();
        frames = 0;
    }

    /** Muxes {@code frame} into the current segment; false if the muxer does not carry it. */
    public boolean add(Frame frame) {
        if (segment == null) {
            start();
        }
        scratch.reset();
        if (!muxer.write(frame, scratch)) {
            return false;
        }
        copyScratch();
        if (frames++ == 0) {
            firstDts = frame.dts();
            lastDts = frame.dts();
        }
        lastDts = Math.max(lastDts, frame.dts());
        return true;
    }

    public boolean inProgress() {
        return segment != null;
    }

    /** Bytes written to the current segment so far. */
    public int size() {
        return segment == null ? 0 : segment.position();
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
        if (segment == null) {
            throw new IllegalStateException("no segment in progress");
        }
        if (from < 0 || to > segment.position() || from > to) {
            throw new IndexOutOfBoundsException(from + ".." + to + " of " + segment.position());
        }
        return segment.slice(from, to - from).asReadOnlyBuffer();
    }

    /** Ends the segment and returns its bytes, read-only and shared. */
    public ByteBuffer finish() {
        if (segment == null) {
            start();
        }
        int size = segment.position();
        ByteBuffer bytes = segment.slice(0, size).asReadOnlyBuffer();
        lastSize = size;
        segment = null;
        return bytes;
    }

    /** Appends the scratch buffer's packets to the segment, moving to a larger one if needed (earlier slices stay). */
    private void copyScratch() {
        int n = scratch.size();
        if (segment.remaining() < n) {
            int size = segment.position();
            long capacity = Math.max((long) size + n, (long) segment.capacity() * 3 / 2);
            ByteBuffer larger = ByteBuffer.allocateDirect((int) Math.min(capacity, Integer.MAX_VALUE - 8));
            larger.put(segment.flip());
            segment = larger;
        }
        segment.put(scratch.array(), 0, n);
    }
}
