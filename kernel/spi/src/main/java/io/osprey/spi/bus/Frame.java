package io.osprey.spi.bus;

import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.function.Function;

/**
 * One unit on the bus: a coded video picture, an audio access unit, a codec config, or a script-data message.
 *
 * <p>Immutable and shared: the bus hands the same instance to every subscriber. {@link #payload()} returns a new
 * read-only view each call, so readers never disturb each other's positions.
 *
 * <p>Pooled payloads. A frame made with a {@link PayloadOwner} (ingest does this, so the memory of a stream's
 * frames is reused instead of waiting for the garbage collector) counts references: whoever holds one may read
 * the payload; {@link #release} gives it up; once the count reaches zero the owner may reuse the bytes. The rules:
 * <ul>
 * <li>{@link Publisher#push} takes over the caller's reference (the one the frame was made with).</li>
 * <li>{@link Subscription#poll} hands out each frame with a reference of its own: release every polled frame
 *     once its payload and anything read from it without copying is no longer used (after muxing it, after
 *     building its memo encodings), or {@link #retain} it first to keep it longer.</li>
 * <li>A reference never released is not a leak: the collector frees the memory as for any object, only the reuse
 *     is lost. Releasing too often is a bug ({@link #release} throws when the count would go below zero).</li>
 * </ul>
 * Frames without an owner (configs, script data, frames made by plugins) count nothing: {@link #retain} and
 * {@link #release} do nothing and such a frame may be kept as long as needed. Memo values must not be views of a
 * pooled payload (copy instead): they live as long as the frame object.
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

    /**
     * The memory behind pooled payloads, counted per frame: told {@link #retain} for each frame made on it and
     * {@link #release} when such a frame's own count reaches zero. Called from any thread.
     */
    @org.osgi.annotation.versioning.ConsumerType
    public interface PayloadOwner {
        void retain();

        void release();
    }

    private static final AtomicIntegerFieldUpdater<Frame> REFS =
            AtomicIntegerFieldUpdater.newUpdater(Frame.class, "refs");

    private final int track;
    private final Codec codec;
    private final long dts;
    private final int cts;
    private final int flags;
    private final ByteBuffer payload;
    private final PayloadOwner owner; // null: not pooled
    private volatile int refs = 1;    // meaningful only with an owner
    private Object[] memos; // guarded by this: [key0, value0, key1, value1, ...]

    private Frame(int track, Codec codec, long dts, int cts, int flags, ByteBuffer payload, PayloadOwner owner) {
        this.track = track;
        this.codec = Objects.requireNonNull(codec, "codec");
        this.dts = dts;
        this.cts = cts;
        this.flags = flags;
        this.payload = payload.asReadOnlyBuffer();
        this.owner = owner;
    }

    /**
     * A media frame. {@code payload} is taken as is (from its position to its limit) and must not be changed
     * afterwards by the caller.
     */
    public static Frame media(int track, Codec codec, long dts, int cts, boolean key, ByteBuffer payload) {
        return new Frame(track, codec, dts, cts, key || codec.kind() == MediaKind.AUDIO ? KEY : 0, payload, null);
    }

    /**
     * A media frame whose payload memory belongs to {@code owner}: the frame takes over one reference the caller
     * holds on it (see the class comment) and starts with a count of one, the caller's.
     */
    public static Frame media(int track, Codec codec, long dts, int cts, boolean key, ByteBuffer payload,
                              PayloadOwner owner) {
        return new Frame(track, codec, dts, cts, key || codec.kind() == MediaKind.AUDIO ? KEY : 0, payload,
                Objects.requireNonNull(owner, "owner"));
    }

    /** A codec config (sequence header) for {@code track}. */
    public static Frame config(int track, Codec codec, long dts, ByteBuffer config) {
        return new Frame(track, codec, dts, 0, CONFIG | KEY, config, null);
    }

    /** A script-data message (an FLV script tag body, AMF0). */
    public static Frame data(long dts, ByteBuffer amf0) {
        return new Frame(0, Codec.AMF0, dts, 0, KEY, amf0, null);
    }

    /**
     * This frame with other timestamps and extra flags, sharing the payload (not the memos). A pooled frame must
     * be held by the caller; the new frame has a reference of its own (count one, the caller's), this one's count
     * does not change.
     */
    public Frame retimed(long newDts, int extraFlags) {
        if (owner != null) {
            if (refs <= 0) {
                throw new IllegalStateException("retimed after release: " + this);
            }
            owner.retain();
        }
        return new Frame(track, codec, newDts, cts, flags | extraFlags, payload, owner);
    }

    /** Whether the payload is pooled (counted): see the class comment. */
    public boolean isPooled() {
        return owner != null;
    }

    /**
     * Takes one more reference, for keeping the frame beyond a reference already held.
     *
     * @throws IllegalStateException if the count had already reached zero (the bytes may be reused)
     */
    public Frame retain() {
        if (!tryRetain()) {
            throw new IllegalStateException("retained after release: " + this);
        }
        return this;
    }

    /**
     * Takes one more reference unless the count already reached zero; for readers that found the frame without
     * holding a reference (the bus's ring). Always true for a frame that is not pooled.
     */
    public boolean tryRetain() {
        if (owner == null) {
            return true;
        }
        int r;
        do {
            r = refs;
            if (r <= 0) {
                return false;
            }
        } while (!REFS.compareAndSet(this, r, r + 1));
        return true;
    }

    /**
     * Gives up one reference; the last one hands the payload memory back to its owner. Nothing for a frame that is
     * not pooled.
     *
     * @throws IllegalStateException if no reference was left
     */
    public void release() {
        if (owner == null) {
            return;
        }
        int r = REFS.decrementAndGet(this);
        if (r == 0) {
            owner.release();
        } else if (r < 0) {
            REFS.incrementAndGet(this);
            throw new IllegalStateException("released more often than retained: " + this);
        }
    }

    /** References held (1 for a frame that is not pooled); for tests and diagnostics. */
    public int refCount() {
        return owner == null ? 1 : refs;
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
