package io.osprey.media.mp4;

import java.nio.ByteBuffer;

/**
 * {@code tfhd} (ISO 14496-12 8.8.7): track_ID 32, then by tf_flags: base_data_offset 64 (0x1),
 * sample_description_index 32 (0x2), default_sample_duration 32 (0x8), default_sample_size 32 (0x10),
 * default_sample_flags 32 (0x20); 0x010000 duration-is-empty, 0x020000 default-base-is-moof.
 */
public final class TrackFragmentHeaderBox extends FullBox {
    public static final int BASE_DATA_OFFSET = 0x1, SAMPLE_DESCRIPTION_INDEX = 0x2, DEFAULT_DURATION = 0x8,
            DEFAULT_SIZE = 0x10, DEFAULT_FLAGS = 0x20, DURATION_IS_EMPTY = 0x010000, DEFAULT_BASE_IS_MOOF = 0x020000;
    private final int trackId;
    private final long baseDataOffset;
    private final int sampleDescriptionIndex;
    private final int defaultDuration;
    private final int defaultSize;
    private final int defaultFlags;

    public TrackFragmentHeaderBox(int flags, int trackId, long baseDataOffset, int sampleDescriptionIndex,
                                  int defaultDuration, int defaultSize, int defaultFlags) {
        super("tfhd", 0, flags);
        this.trackId = trackId;
        this.baseDataOffset = baseDataOffset;
        this.sampleDescriptionIndex = sampleDescriptionIndex;
        this.defaultDuration = defaultDuration;
        this.defaultSize = defaultSize;
        this.defaultFlags = defaultFlags;
    }

    /** The CMAF form: default-base-is-moof, with default sample flags if {@code defaultFlags} is not null. */
    public static TrackFragmentHeaderBox moofRelative(int trackId, Integer defaultFlags) {
        int flags = DEFAULT_BASE_IS_MOOF | (defaultFlags != null ? DEFAULT_FLAGS : 0);
        return new TrackFragmentHeaderBox(flags, trackId, 0, 0, 0, 0, defaultFlags != null ? defaultFlags : 0);
    }

    public int trackId() {
        return trackId;
    }

    public long baseDataOffset() {
        return baseDataOffset;
    }

    public int defaultDuration() {
        return defaultDuration;
    }

    public int defaultSize() {
        return defaultSize;
    }

    public int defaultFlags() {
        return defaultFlags;
    }

    /** Parses the content (after the box header) of a {@code tfhd}; {@code content} is not consumed. */
    public static TrackFragmentHeaderBox parse(ByteBuffer content) throws Mp4FormatException {
        ByteBuffer b = content.duplicate();
        int flags = need(b, 8).getInt() & 0xFFFFFF;
        int trackId = b.getInt();
        long base = (flags & BASE_DATA_OFFSET) != 0 ? need(b, 8).getLong() : 0;
        int index = (flags & SAMPLE_DESCRIPTION_INDEX) != 0 ? need(b, 4).getInt() : 0;
        int duration = (flags & DEFAULT_DURATION) != 0 ? need(b, 4).getInt() : 0;
        int size = (flags & DEFAULT_SIZE) != 0 ? need(b, 4).getInt() : 0;
        int sampleFlags = (flags & DEFAULT_FLAGS) != 0 ? need(b, 4).getInt() : 0;
        return new TrackFragmentHeaderBox(flags, trackId, base, index, duration, size, sampleFlags);
    }

    static ByteBuffer need(ByteBuffer b, int n) throws Mp4FormatException {
        if (b.remaining() < n) {
            throw new Mp4FormatException("box content truncated", b.position());
        }
        return b;
    }

    @Override
    protected long fieldsSize() {
        int f = flags();
        return 4 + ((f & BASE_DATA_OFFSET) != 0 ? 8 : 0) + ((f & SAMPLE_DESCRIPTION_INDEX) != 0 ? 4 : 0)
                + ((f & DEFAULT_DURATION) != 0 ? 4 : 0) + ((f & DEFAULT_SIZE) != 0 ? 4 : 0)
                + ((f & DEFAULT_FLAGS) != 0 ? 4 : 0);
    }

    @Override
    protected void writeFields(ByteBuffer out) {
        int f = flags();
        out.putInt(trackId);
        if ((f & BASE_DATA_OFFSET) != 0) {
            out.putLong(baseDataOffset);
        }
        if ((f & SAMPLE_DESCRIPTION_INDEX) != 0) {
            out.putInt(sampleDescriptionIndex);
        }
        if ((f & DEFAULT_DURATION) != 0) {
            out.putInt(defaultDuration);
        }
        if ((f & DEFAULT_SIZE) != 0) {
            out.putInt(defaultSize);
        }
        if ((f & DEFAULT_FLAGS) != 0) {
            out.putInt(defaultFlags);
        }
    }
}
