package io.osprey.spi.bus;

import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.function.Function;

/**
 * One unit on the bus: a coded video picture, an audio access unit, a codec config, or a script-data message.
 *
 * <p>Immutable and shared: the bus hands the same instance to every subscriber. {@link #payload()} returns a new
 * read-only view each call, so readers never disturb each other's positions. Nothing is pooled: a frame may be
 * kept as long as needed and needs no release.
 *
 * <p>Timestamps are milliseconds (the FLV/RTMP time base) on a 64-bit line that never wraps; the publisher unwraps
 * 32-bit protocol timestamps. {@code pts = dts + cts}.
 *
 * <p>Per-format encodings of the frame are built once and shared with {@link #memo}:
 * <pre>{@code
 * static final Frame.Memo<ByteBuffer> FLV_TAG = new Frame.Memo<>("flv-tag");
 * ByteBuffer tag = frame.memo(FLV_TAG, FlvTags::encode).duplicate();
 * }</pre>
 */
public final class Frame {

    /** A random-access point: decoding can start here (every audio frame is one). */
    public static final int KEY = 1;
    /** The payload is the track's new codec config (sequence header), not media. */
    public static final int CONFIG = 2;
    /** The first frame after a change of publisher or a gap: timestamps or codec may jump here. */
    public static final int DISCONTINUITY = 4;

    /** A key for a derived encoding shared by all subscribers of one frame; compared by identity. */
    public static final class Memo<T> {
        private final String name;

        public Memo(String name) {
            this.name = Objects.requireNonNull(name);
        }

        @Override
        public String toString() {
            return name;
        }
    }

    private final int track;
    private final Codec codec;
    private final long dts;
    private final int cts;
    private final int flags;
    private final ByteBuffer payload;
    private Object[] memos; // guarded by this: [key0, value0, key1, value1, ...]

    private Frame(int track, Codec codec, long dts, int cts, int flags, ByteBuffer payload) {
        this.track = track;
        this.codec = Objects.requireNonNull(codec, "codec");
        this.dts = dts;
        this.cts = cts;
        this.flags = flags;
        this.payload = payload.asReadOnlyBuffer();
    }

    /**
     * A media frame. {@code payload} is taken as is (from its position to its limit) and must not be changed
     * afterwards by the caller.
     */
    public static Frame media(int track, Codec codec, long dts, int cts, boolean key, ByteBuffer payload) {
        return new Frame(track, codec, dts, cts, key || codec.kind() == MediaKind.AUDIO ? KEY : 0, payload);
    }

    /** A codec config (sequence header) for {@code track}. */
    public static Frame config(int track, Codec codec, long dts, ByteBuffer config) {
        return new Frame(track, codec, dts, 0, CONFIG | KEY, config);
    }

    /** A script-data message (an FLV script tag body, AMF0). */
    public static Frame data(long dts, ByteBuffer amf0) {
        return new Frame(0, Codec.AMF0, dts, 0, KEY, amf0);
    }

    /** This frame with other timestamps and extra flags, sharing the payload (not the memos). */
    public Frame retimed(long newDts, int extraFlags) {
        return new Frame(track, codec, newDts, cts, flags | extraFlags, payload);
    }

    public int track() {
        return track;
    }

    public Codec codec() {
        return codec;
    }

    public MediaKind kind() {
        return codec.kind();
    }

    /** Decode timestamp, milliseconds. */
    public long dts() {
        return dts;
    }

    /** Composition offset {@code pts - dts}, milliseconds (may be negative). */
    public int cts() {
        return cts;
    }

    /** Presentation timestamp, milliseconds. */
    public long pts() {
        return dts + cts;
    }

    public int flags() {
        return flags;
    }

    public boolean isKey() {
        return (flags & KEY) != 0;
    }

    public boolean isConfig() {
        return (flags & CONFIG) != 0;
    }

    public boolean isDiscontinuity() {
        return (flags & DISCONTINUITY) != 0;
    }

    /** Whether this is a video key frame (not a config): where a viewer can join. */
    public boolean isVideoKey() {
        return (flags & (KEY | CONFIG)) == KEY && codec.kind() == MediaKind.VIDEO;
    }

    /** A fresh read-only view of the payload. */
    public ByteBuffer payload() {
        return payload.duplicate();
    }

    /** Payload size in bytes. */
    public int size() {
        return payload.remaining();
    }

    /**
     * Returns the value derived from this frame under {@code key}, computing it with {@code encoder} on first
     * use. Concurrent first uses may compute twice; one result wins and is returned to everyone after. The
     * encoder must be a pure function of the frame. Values should be immutable (hand out
     * {@code ByteBuffer.duplicate()}s, never the stored buffer's position).
     */
    @SuppressWarnings("unchecked")
    public <T> T memo(Memo<T> key, Function<Frame, T> encoder) {
        synchronized (this) {
            Object[] m = memos;
            if (m != null) {
                for (int i = 0; i < m.length; i += 2) {
                    if (m[i] == key) {
                        return (T) m[i + 1];
                    }
                }
            }
        }
        T value = encoder.apply(this);
        synchronized (this) {
            Object[] m = memos;
            if (m == null) {
                memos = new Object[] {key, value};
                return value;
            }
            for (int i = 0; i < m.length; i += 2) {
                if (m[i] == key) {
                    return (T) m[i + 1];
                }
            }
            Object[] n = java.util.Arrays.copyOf(m, m.length + 2);
            n[m.length] = key;
            n[m.length + 1] = value;
            memos = n;
            return value;
        }
    }

    @Override
    public String toString() {
        return codec + "#" + track + " dts=" + dts + " cts=" + cts + (isConfig() ? " config" : isKey() ? " key" : "")
                + (isDiscontinuity() ? " disc" : "") + " " + size() + "B";
    }
}
