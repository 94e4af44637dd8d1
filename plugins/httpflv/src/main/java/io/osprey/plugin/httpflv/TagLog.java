package io.osprey.plugin.httpflv;

import io.osprey.media.buffer.DirectLog;
import io.osprey.media.flv.FlvMedia;
import io.osprey.spi.bus.Frame;
import io.osprey.spi.bus.TrackInfo;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * The FLV tags of one stream (for one track selection), built once and laid end to end in a {@link DirectLog}
 * (shared, read-only, direct segments), so that any run of consecutive frames a viewer polls is one contiguous
 * slice: one write call, no copy per viewer (and no JDK copy from heap into a temporary direct buffer either).
 * Each frame's place is memoised on the frame ({@link Frame#memo}), so memory is one copy of what the bus ring holds
 * plus one partly filled segment; segments are freed by the GC once their frames have left the ring and no write
 * holds them.
 *
 * <p>Tags are appended in the order viewers first need them, which is stream order for the viewer furthest ahead,
 * so the runs viewers poll are contiguous. A frame some viewer sees out of that order (rare: a viewer that jumped
 * back into a GOP nobody else replayed) still gets a correct slot; it only costs that viewer one more write.
 */
final class TagLog {

    private final Frame.Memo<DirectLog.Slot> key;
    private final DirectLog log = new DirectLog();

    TagLog(Frame.Memo<DirectLog.Slot> key) {
        this.key = key;
    }

    /** The slot of {@code f}'s tag, appending it on first use. {@code f} must not be a config frame. */
    DirectLog.Slot slot(Frame f, List<TrackInfo> tracks) {
        return f.memo(key, fr -> append(fr, tracks));
    }

    /** Tag bytes built so far (each frame once). */
    long bytesBuilt() {
        return log.bytesAppended();
    }

    private DirectLog.Slot append(Frame f, List<TrackInfo> tracks) {
        ByteBuffer tag = FlvMedia.tag(f, track(tracks, f));
        return log.appendOnce(f, tag.remaining(), into -> into.put(tag));
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
