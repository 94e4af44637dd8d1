package io.osprey.media.flv;

import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * Splits an FLV byte stream (E.2 header, then E.3 PreviousTagSize and E.4.1 FLVTAG pairs) that arrives in arbitrary
 * pieces into {@link FlvTag}s: HTTP-FLV push ingest, edge relay pulls, recordings. A resumable state machine: headers
 * are read straight from the input when they are all there and gathered byte by byte otherwise; a body is copied
 * once out of the input when it is all there, and otherwise gathered in a buffer that grows with what arrives (never
 * to the declared size up front), up to {@code maxTagSize}. Not thread-safe.
 *
 * <p>Rejected with {@link FlvFormatException} (after which the reader stays failed until {@link #reset()}): a bad
 * signature, a DataOffset below 9 or above {@value #MAX_DATA_OFFSET}, a DataSize above {@code maxTagSize}, and a tag
 * with the Filter bit set (encrypted FLV is not supported, and in a live stream that bit means garbage). Tolerated
 * and counted: a PreviousTagSize that does not match (encoders get it wrong) and tags of unknown type (skipped
 * without buffering). A zero-size audio or video tag is passed on as an empty body; {@link FlvMedia} rejects it.
 *
 * <pre>{@code
 * FlvReader reader = new FlvReader(8 << 20, listener);
 * while ((n = channel.read(buf.clear())) >= 0) reader.feed(buf.flip());
 * }</pre>
 */
public final class FlvReader {

    /** Receives what the reader finds; called on the feeding thread. */
    public interface Listener {

        /** The FLV header, once per stream: its TypeFlagsAudio and TypeFlagsVideo. */
        void onHeader(boolean audio, boolean video);

        /** One tag. Its body is the listener's own buffer, safe to keep. Throwing fails the reader. */
        void onTag(FlvTag tag) throws FlvFormatException;
    }

    /** Largest accepted DataOffset (E.2): 9 in every FLV version; bytes past the header are skipped. */
    public static final int MAX_DATA_OFFSET = 1024;

    private static final int PREVIOUS_TAG_SIZE = 4;
    private static final int INITIAL_BODY_CAPACITY = 4096;

    private enum State {
        HEADER, HEADER_SKIP, PREVIOUS_TAG_SIZE, TAG_HEADER, BODY, SKIP_BODY, FAILED
    }

    private final int maxTagSize;
    private final Listener listener;
    private final byte[] scratch = new byte[FlvTagWriter.TAG_HEADER_SIZE];
    private int scratchLength;
    private State state = State.HEADER;
    private long skip;
    private long expectedPreviousTagSize;
    private int tagType;
    private int dataSize;
    private long timestamp;
    private ByteBuffer body;
    private long bytesRead;
    private int badPreviousTagSizes;
    private int skippedTags;
    private String failure;

    public FlvReader(int maxTagSize, Listener listener) {
        if (maxTagSize < 0 || maxTagSize > FlvTagWriter.MAX_BODY_SIZE) {
            throw new IllegalArgumentException("maxTagSize out of range: " + maxTagSize);
        }
        this.maxTagSize = maxTagSize;
        this.listener = Objects.requireNonNull(listener, "listener");
    }

    /**
     * Consumes all of {@code in}, calling the listener for each header and complete tag, and keeps any partial
     * header or tag for the next call. On failure {@code in}'s position is where the error was found.
     */
    public void feed(ByteBuffer in) throws FlvFormatException {
        if (state == State.FAILED) {
            throw new FlvFormatException("FLV stream already failed: " + failure);
        }
        int start = in.position();
        try {
            while (in.hasRemaining()) {
                switch (state) {
                    case HEADER -> header(in);
                    case HEADER_SKIP, SKIP_BODY -> skip(in);
                    case PREVIOUS_TAG_SIZE -> previousTagSize(in);
                    case TAG_HEADER -> tagHeader(in);
                    case BODY -> body(in);
                    default -> throw new IllegalStateException(state.name());
                }
            }
        } catch (FlvFormatException e) {
            state = State.FAILED;
            failure = e.getMessage();
            body = null;
            throw e;
        } finally {
            bytesRead += in.position() - start;
        }
    }

    /** Bytes consumed since construction or {@link #reset()}. */
    public long bytesRead() {
        return bytesRead;
    }

    /** PreviousTagSize fields that did not match the tag before them. */
    public int badPreviousTagSizes() {
        return badPreviousTagSizes;
    }

    /** Tags of unknown type that were skipped. */
    public int skippedTags() {
        return skippedTags;
    }

    /**
     * How the bytes fed so far end, for a source that has ended (an HTTP body, a file): {@code null} at a tag
     * boundary (a complete stream, with or without the last PreviousTagSize, or nothing at all), else what was cut,
     * such as {@code "a tag cut after 120 of 4000 body bytes"}. The tags before the cut were delivered.
     */
    public String truncation() {
        return switch (state) {
            case HEADER -> scratchLength == 0 ? null : "the FLV header cut after " + scratchLength + " bytes";
            case PREVIOUS_TAG_SIZE, TAG_HEADER -> scratchLength == 0 ? null
                    : "a tag header cut after " + scratchLength + " bytes";
            case BODY -> "a tag cut after " + body.position() + " of " + dataSize + " body bytes";
            case HEADER_SKIP, SKIP_BODY -> "cut with " + skip + " bytes of a header or tag still to come";
            case FAILED -> "failed: " + failure;
        };
    }

    /** Forgets all state, partial data and counters: the next byte fed is the start of a new FLV stream. */
    public void reset() {
        state = State.HEADER;
        scratchLength = 0;
        skip = 0;
        expectedPreviousTagSize = 0;
        body = null;
        bytesRead = 0;
        badPreviousTagSizes = 0;
        skippedTags = 0;
        failure = null;
    }

    private void header(ByteBuffer in) throws FlvFormatException {
        ByteBuffer b = take(in, FlvHeader.SIZE);
        if (b == null) {
            return;
        }
        // E.2 Signature UI8 'F', UI8 'L', UI8 'V'
        if (b.get() != 'F' || b.get() != 'L' || b.get() != 'V') {
            throw new FlvFormatException("not an FLV stream: bad signature");
        }
        b.get(); // Version UI8: 1; later versions would keep the layout, so it is not checked
        // TypeFlagsReserved UB[5], TypeFlagsAudio UB[1], TypeFlagsReserved UB[1], TypeFlagsVideo UB[1]
        int flags = b.get() & 0xFF;
        long dataOffset = u32(b); // DataOffset UI32: the header's own size
        if (dataOffset < FlvHeader.SIZE || dataOffset > MAX_DATA_OFFSET) {
            throw new FlvFormatException("FLV DataOffset " + dataOffset + " out of range");
        }
        listener.onHeader((flags & 0x04) != 0, (flags & 0x01) != 0);
        expectedPreviousTagSize = 0; // E.3 PreviousTagSize0 is always 0
        skip = dataOffset - FlvHeader.SIZE;
        state = skip > 0 ? State.HEADER_SKIP : State.PREVIOUS_TAG_SIZE;
    }

    private void skip(ByteBuffer in) {
        int n = (int) Math.min(skip, in.remaining());
        in.position(in.position() + n);
        skip -= n;
        if (skip == 0) {
            state = State.PREVIOUS_TAG_SIZE;
        }
    }

    private void previousTagSize(ByteBuffer in) {
        ByteBuffer b = take(in, PREVIOUS_TAG_SIZE);
        if (b == null) {
            return;
        }
        // E.3 PreviousTagSizeN UI32: size of the previous tag, including its header (11 + DataSize)
        if (u32(b) != expectedPreviousTagSize) {
            badPreviousTagSizes++;
        }
        state = State.TAG_HEADER;
    }

    private void tagHeader(ByteBuffer in) throws FlvFormatException {
        ByteBuffer b = take(in, FlvTagWriter.TAG_HEADER_SIZE);
        if (b == null) {
            return;
        }
        // E.4.1 FLVTAG: Reserved UB[2], Filter UB[1], TagType UB[5]
        int typeByte = b.get() & 0xFF;
        int size = u24(b);                  // DataSize UI24
        long ts = u24(b);                   // Timestamp UI24
        ts |= (long) (b.get() & 0xFF) << 24; // TimestampExtended UI8: bits 31..24
        u24(b);                             // StreamID UI24: always 0, ignored
        int type = typeByte & 0x1F;
        if ((typeByte & 0x20) != 0) {
            throw new FlvFormatException("FLV tag type " + type + " has the Filter bit set (encrypted): unsupported");
        }
        if (size > maxTagSize) {
            throw new FlvFormatException("FLV tag of " + size + " bytes exceeds the limit of " + maxTagSize);
        }
        expectedPreviousTagSize = FlvTagWriter.TAG_HEADER_SIZE + size;
        if (type != FlvTag.AUDIO && type != FlvTag.VIDEO && type != FlvTag.SCRIPT) {
            skippedTags++;
            skip = size;
            state = size == 0 ? State.PREVIOUS_TAG_SIZE : State.SKIP_BODY;
            return;
        }
        tagType = type;
        dataSize = size;
        timestamp = ts;
        if (in.remaining() >= size) {
            // fast path: the whole body is here, copy it once
            ByteBuffer whole = ByteBuffer.allocate(size);
            whole.put(in.slice(in.position(), size));
            in.position(in.position() + size);
            deliver(whole.flip());
        } else {
            body = ByteBuffer.allocate(Math.min(size, Math.max(INITIAL_BODY_CAPACITY, in.remaining())));
            state = State.BODY;
        }
    }

    private void body(ByteBuffer in) throws FlvFormatException {
        int n = Math.min(dataSize - body.position(), in.remaining());
        if (body.remaining() < n) {
            // grow with what has arrived, at most to the declared size
            int capacity = (int) Math.min(dataSize, Math.max(2L * body.capacity(), (long) body.position() + n));
            body = ByteBuffer.allocate(capacity).put(body.flip());
        }
        body.put(in.slice(in.position(), n));
        in.position(in.position() + n);
        if (body.position() == dataSize) {
            ByteBuffer whole = body.flip();
            body = null;
            deliver(whole);
        }
    }

    private void deliver(ByteBuffer whole) throws FlvFormatException {
        state = State.PREVIOUS_TAG_SIZE;
        listener.onTag(new FlvTag(tagType, timestamp, whole));
    }

    /**
     * The next {@code n} bytes at the returned buffer's position: {@code in} itself when they are all there and
     * nothing is pending (fast path), else the scratch buffer once complete, else {@code null} for "need more".
     */
    private ByteBuffer take(ByteBuffer in, int n) {
        if (scratchLength == 0 && in.remaining() >= n) {
            return in;
        }
        int k = Math.min(n - scratchLength, in.remaining());
        in.get(scratch, scratchLength, k);
        scratchLength += k;
        if (scratchLength < n) {
            return null;
        }
        scratchLength = 0;
        return ByteBuffer.wrap(scratch, 0, n);
    }

    private static int u24(ByteBuffer b) {
        return (b.get() & 0xFF) << 16 | (b.get() & 0xFF) << 8 | b.get() & 0xFF;
    }

    private static long u32(ByteBuffer b) {
        return (long) u24(b) << 8 | b.get() & 0xFF;
    }
}
