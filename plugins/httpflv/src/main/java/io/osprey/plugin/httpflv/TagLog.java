package io.osprey.plugin.httpflv;

import io.osprey.media.flv.FlvMedia;
import io.osprey.spi.bus.Frame;
import io.osprey.spi.bus.TrackInfo;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * The FLV tags of one stream (for one track selection), built once and laid end to end in shared, read-only,
 * direct segments, so that any run of consecutive frames a viewer polls is one contiguous slice: one write call,
 * no copy per viewer (and no JDK copy from heap into a temporary direct buffer either). Each frame's place is
 * memoised on the frame ({@link Frame#memo}), so memory is one copy of what the bus ring holds plus one partly
 * filled segment; segments are freed by the GC once their frames have left the ring and no write holds them.
 *
 * <p>Tags are appended in the order viewers first need them, which is stream order for the viewer furthest ahead,
 * so the runs viewers poll are contiguous. A frame some viewer sees out of that order (rare: a viewer that jumped
 * back into a GOP nobody else replayed) still gets a correct slot; it only costs that viewer one more write.
 */
final class TagLog {

    /** Segment size: large enough that a batch rarely crosses a boundary, small enough to free memory soon. */
    static final int SEGMENT_BYTES = 256 * 1024;
    private static final int RECENT = 16;

    /** Where one frame's tag lives: in {@code segment}, a read-only view of one whole segment. */
    record Slot(ByteBuffer segment, int offset, int length) {

        /** Whether this slot starts right where {@code previous} ends, in the same segment. */
        boolean follows(Slot previous) {
            return previous.segment == segment && previous.offset + previous.length == offset;
        }
    }

    private final Frame.Memo<Slot> key;
    private final Frame[] recent = new Frame[RECENT];
    private final Slot[] recentSlots = new Slot[RECENT];
    private int recentNext;
    private ByteBuffer segment;
    private ByteBuffer segmentView;
    private long bytes;

    TagLog(Frame.Memo<Slot> key) {
        this.key = key;
    }

    /** The slot of {@code f}'s tag, appending it on first use. {@code f} must not be a config frame. */
    Slot slot(Frame f, List<TrackInfo> tracks) {
        return f.memo(key, fr -> append(fr, tracks));
    }

    /** A read-only view of bytes {@code [first.offset, last.offset + last.length)} of one segment. */
    static ByteBuffer bytes(Slot first, Slot last) {
        return first.segment.slice(first.offset, last.offset + last.length - first.offset); // read-only as its segment
    }

    /** Tag bytes built so far (each frame once). */
    synchronized long bytesBuilt() {
        return bytes;
    }

    private synchronized Slot append(Frame f, List<TrackInfo> tracks) {
        // Frame.memo may run this twice when two viewers reach a new frame at once: hand out the first slot
        for (int i = 0; i < RECENT; i++) {
            if (recent[i] == f) {
                return recentSlots[i];
            }
        }
        ByteBuffer tag = FlvMedia.tag(f, track(tracks, f));
        int n = tag.remaining();
        if (segment == null || segment.remaining() < n) {
            segment = ByteBuffer.allocateDirect(Math.max(SEGMENT_BYTES, n));
            segmentView = segment.asReadOnlyBuffer();
        }
        int offset = segment.position();
        segment.put(tag);
        bytes += n;
        Slot slot = new Slot(segmentView, offset, n);
        recent[recentNext] = f;
        recentSlots[recentNext] = slot;
        recentNext = (recentNext + 1) % RECENT;
        return slot;
    }

    static TrackInfo track(List<TrackInfo> tracks, Frame f) {
        for (TrackInfo t : tracks) {
            if (t.kind() == f.kind() && t.id() == f.track()) {
                return t;
            }
        }
        return null;
    }
}
