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

    // Every FLV encoding memoised on a frame has its key here, one per track selection, so that no two classes
    // can give one frame two encodings under one name, or one encoding under two.
    private static final Frame.Memo<DirectLog.Slot> AV = new Frame.Memo<>("flv-log-av");
    private static final Frame.Memo<DirectLog.Slot> VIDEO_ONLY = new Frame.Memo<>("flv-log-v");
    private static final Frame.Memo<DirectLog.Slot> AUDIO_ONLY = new Frame.Memo<>("flv-log-a");
    /** Config frames are rare and not in the logs: each one's tag on the heap, built once for every viewer. */
    private static final Frame.Memo<ByteBuffer> CONFIG_TAG = new Frame.Memo<>("flv-config-tag");

    private final Frame.Memo<DirectLog.Slot> key;
    private final DirectLog log = new DirectLog();

    private TagLog(Frame.Memo<DirectLog.Slot> key) {
        this.key = key;
    }

    /** A new log for viewers of this track selection (both, video only, audio only). */
    static TagLog forTracks(boolean video, boolean audio) {
        return new TagLog(video && audio ? AV : video ? VIDEO_ONLY : AUDIO_ONLY);
    }

    /** A config frame's tag, shared by every viewer (a fresh view of it). */
    static ByteBuffer configTag(Frame f, List<TrackInfo> tracks) {
        return f.memo(CONFIG_TAG, fr -> FlvMedia.tag(fr, track(tracks, fr))).duplicate();
    }

    /** The slot of {@code f}'s tag, appending it on first use. {@code f} must not be a config frame. */
    DirectLog.Slot slot(Frame f, List<TrackInfo> tracks) {
        return f.memo(key, fr -> append(fr, tracks));
    }

    /** Tag bytes built so far (each frame once). */
    long bytesBuilt() {
        return log.bytesAppended();
    }

    /** Writes the tag straight into the log: the payload's one copy, no heap body or tag in between. */
    private DirectLog.Slot append(Frame f, List<TrackInfo> tracks) {
        TrackInfo track = track(tracks, f);
        return log.appendOnce(f, FlvMedia.tagSize(f, track), into -> FlvMedia.writeTag(f, track, into));
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
