package io.osprey.plugin.hls;

import io.osprey.media.buffer.DirectPool;
import io.osprey.media.mp4.Fmp4FragmentWriter;
import io.osprey.media.mp4.Fmp4InitWriter;
import io.osprey.spi.bus.Frame;
import io.osprey.spi.bus.TrackInfo;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * fMP4 / CMAF segments (RFC 8216 3.3, ISO 23000-19): one {@code moof}+{@code mdat} fragment per segment, or one per
 * LL-HLS part, the segment then being its parts' fragments back to back. Fragments are built on the heap (parts
 * are served from there: they live seconds); a segment, which lives a whole window, is copied once into pooled
 * direct memory when {@code direct}.
 */
final class Fmp4SegmentMuxer implements SegmentMuxer {
    private final ByteBuffer init;
    private final Fmp4FragmentWriter writer;
    private final List<Frame> queued = new ArrayList<>();
    private final DirectPool pool;
    private final boolean direct;
    private final List<ByteBuffer> parts = new ArrayList<>();
    private int sequence = 1;
    private int pendingBytes;
    private int partBytes;

    Fmp4SegmentMuxer(List<TrackInfo> tracks, DirectPool pool, boolean direct) {
        init = Fmp4InitWriter.init(tracks);
        writer = new Fmp4FragmentWriter(tracks);
        this.pool = pool;
        this.direct = direct;
    }

    @Override
    public ByteBuffer init() {
        return init;
    }

    @Override
    public boolean add(Frame frame) {
        if (!writer.add(frame)) {
            return false;
        }
        queued.add(frame.retain()); // the writer copies the payload when it writes the fragment
        pendingBytes += frame.size();
        return true;
    }

    /** The writer just copied the queued frames into a fragment. */
    private void releaseQueued() {
        queued.forEach(Frame::release);
        queued.clear();
    }

    @Override
    public int framesSinceCut() {
        return writer.sampleCount();
    }

    @Override
    public int segmentBytes() {
        return partBytes + pendingBytes;
    }

    @Override
    public Served cutPart() {
        ByteBuffer fragment = fragment();
        return fragment == null ? null : Served.of(fragment, false);
    }

    private ByteBuffer fragment() {
        if (writer.isEmpty()) {
            return null;
        }
        ByteBuffer fragment = writer.fragment(sequence++);
        releaseQueued();
        pendingBytes = 0;
        parts.add(fragment);
        partBytes += fragment.remaining();
        return fragment;
    }

    @Override
    public Served finishSegment() {
        Served out;
        if (parts.isEmpty()) {
            ByteBuffer fragment = writer.isEmpty() ? null : writer.fragment(sequence++);
            releaseQueued();
            out = fragment == null ? null : direct ? Served.pooled(fragment, pool) : Served.of(fragment, false);
        } else {
            fragment();
            if (direct) {
                ByteBuffer d = pool.acquire(partBytes);
                for (ByteBuffer p : parts) {
                    d.put(p.duplicate());
                }
                out = Served.pooled(d, pool, partBytes);
            } else {
                ByteBuffer all = ByteBuffer.allocate(partBytes);
                for (ByteBuffer p : parts) {
                    all.put(p.duplicate());
                }
                out = Served.of(all.flip(), false);
            }
        }
        parts.clear();
        partBytes = 0;
        pendingBytes = 0;
        return out;
    }

    @Override
    public void close() {
        releaseQueued();
        parts.clear();
        partBytes = 0;
        pendingBytes = 0;
    }
}
