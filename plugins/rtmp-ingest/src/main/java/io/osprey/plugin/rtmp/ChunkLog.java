package io.osprey.plugin.rtmp;

import io.osprey.media.buffer.DirectLog;
import io.osprey.plugin.rtmp.protocol.ChunkEncoder;
import io.osprey.plugin.rtmp.protocol.RtmpMessage;
import io.osprey.spi.bus.Frame;
import io.osprey.spi.bus.TrackInfo;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * The RTMP play bytes of one stream, chunked once for every viewer and laid end to end in a shared {@link DirectLog}
 * (read-only, direct segments), so any run of consecutive frames a viewer polls is one contiguous slice: one write,
 * no encoding and no copy per viewer (and no JDK copy from heap into a temporary direct buffer).
 *
 * <p>Every media message starts with a type-0 chunk header (absolute timestamp, length, type, message stream id) and
 * continues with type-3 chunks, so the bytes depend only on the frame, the chunk size and the message stream id, not
 * on what a viewer received before: 7 bytes more per message than a type-1 header, identical for all viewers. A
 * connection that sends a shared message on a chunk stream makes its own encoder forget that chunk stream, so the next
 * message it encodes there (a status, a data message) starts with a type-0 header too.
 *
 * <p>Each frame's place is memoised on the frame ({@link Frame#memo}); memory is one chunked copy of the frames
 * viewers are at, plus one partly filled segment; the GC frees a segment once its frames have left the bus ring and
 * no write holds it. Thread-safe.
 */
final class ChunkLog {

    /** The message stream id every shared message carries: the first (and nearly always only) createStream's id. */
    static final int STREAM_ID = 1;
    static final Frame.Memo<Slot> SLOT = new Frame.Memo<>("rtmp-chunks");

    /** Where one frame's chunked message lives; {@code csid} is the chunk stream it travels on. */
    record Slot(DirectLog.Slot place, int csid) {

        int offset() {
            return place.offset();
        }

        int length() {
            return place.length();
        }

        /** Whether this slot starts right where {@code previous} ends, in the same segment. */
        boolean follows(Slot previous) {
            return place.follows(previous.place);
        }
    }

    private final int chunkSize;
    private final ChunkEncoder encoder = new ChunkEncoder();
    private final DirectLog log = new DirectLog();

    ChunkLog(int chunkSize) {
        this.chunkSize = chunkSize;
        encoder.setChunkSize(chunkSize);
    }

    int chunkSize() {
        return chunkSize;
    }

    /** The slot of {@code f}'s chunked message, appending it on first use. */
    Slot slot(Frame f, List<TrackInfo> tracks) {
        return f.memo(SLOT, fr -> append(fr, tracks));
    }

    /** A read-only view of the bytes from {@code first} to {@code last}, which must be one run of a segment. */
    static ByteBuffer bytes(Slot first, Slot last) {
        return DirectLog.Slot.span(first.place, last.place);
    }

    /** Chunked bytes built so far (each frame once). */
    long bytesBuilt() {
        return log.bytesAppended();
    }

    private Slot append(Frame f, List<TrackInfo> tracks) {
        RtmpMessage m = PlaySession.message(f, tracks, PlaySession.body(f, tracks), STREAM_ID);
        // always a type-0 first header: the bytes must not depend on the previous message (the writer runs under
        // the log's lock, which also keeps the encoder to one thread)
        return new Slot(log.appendOnce(f, encoder.maxEncodedLength(m), into -> {
            encoder.reset();
            encoder.encode(m, into);
        }), m.csid());
    }
}
