package io.osprey.media.mp4;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * {@code trun} (ISO 14496-12 8.8.8), version 1 (signed composition offsets): sample_count 32, then by tr_flags
 * data_offset 32 (0x1), first_sample_flags 32 (0x4), and per sample sample_duration (0x100), sample_size (0x200),
 * sample_flags (0x400), sample_composition_time_offset (0x800), 32 bits each. Absent per-sample arrays are null.
 */
public final class TrackRunBox extends FullBox {
    public static final int DATA_OFFSET = 0x1, FIRST_SAMPLE_FLAGS = 0x4, DURATION = 0x100, SIZE = 0x200,
            FLAGS = 0x400, COMPOSITION_OFFSET = 0x800;
    /** sample_flags of a sync sample: sample_depends_on 2 (depends on no other). */
    public static final int SYNC_SAMPLE = 0x02000000;
    /** sample_flags of a non-sync sample: sample_depends_on 1, sample_is_non_sync_sample 1. */
    public static final int NON_SYNC_SAMPLE = 0x01010000;
    /** Largest sample count parsed; a larger declared count is a format error, never an allocation. */
    static final int MAX_SAMPLES = 1 << 20;

    private final int count;
    private final int dataOffset;
    private final int firstSampleFlags;
    private final int[] durations;
    private final int[] sizes;
    private final int[] sampleFlags;
    private final int[] compositionOffsets;

    public TrackRunBox(int count, int dataOffset, int[] durations, int[] sizes, int[] sampleFlags,
                       int[] compositionOffsets) {
        this(flagsOf(durations, sizes, sampleFlags, compositionOffsets) | DATA_OFFSET, count, dataOffset, 0,
                durations, sizes, sampleFlags, compositionOffsets);
    }

    private TrackRunBox(int flags, int count, int dataOffset, int firstSampleFlags, int[] durations, int[] sizes,
                        int[] sampleFlags, int[] compositionOffsets) {
        super("trun", 1, flags);
        this.count = count;
        this.dataOffset = dataOffset;
        this.firstSampleFlags = firstSampleFlags;
        this.durations = copy(durations, count);
        this.sizes = copy(sizes, count);
        this.sampleFlags = copy(sampleFlags, count);
        this.compositionOffsets = copy(compositionOffsets, count);
    }

    /** The same run with another data_offset (known only once the moof size is). */
    public TrackRunBox withDataOffset(int offset) {
        return new TrackRunBox(flags(), count, offset, firstSampleFlags, durations, sizes, sampleFlags,
                compositionOffsets);
    }

    public int sampleCount() {
        return count;
    }

    public int dataOffset() {
        return dataOffset;
    }

    /** Per-sample values, or null where the run does not carry them (then tfhd/trex defaults apply). */
    public int[] durations() {
        return durations == null ? null : durations.clone();
    }

    public int[] sizes() {
        return sizes == null ? null : sizes.clone();
    }

    public int[] sampleFlags() {
        return sampleFlags == null ? null : sampleFlags.clone();
    }

    public int[] compositionOffsets() {
        return compositionOffsets == null ? null : compositionOffsets.clone();
    }

    public int firstSampleFlags() {
        return firstSampleFlags;
    }

    /** Parses the content (after the box header) of a {@code trun}; {@code content} is not consumed. */
    public static TrackRunBox parse(ByteBuffer content) throws Mp4FormatException {
        ByteBuffer b = content.duplicate();
        int flags = TrackFragmentHeaderBox.need(b, 8).getInt() & 0xFFFFFF;
        long count = b.getInt() & 0xFFFFFFFFL;
        int dataOffset = (flags & DATA_OFFSET) != 0 ? TrackFragmentHeaderBox.need(b, 4).getInt() : 0;
        int first = (flags & FIRST_SAMPLE_FLAGS) != 0 ? TrackFragmentHeaderBox.need(b, 4).getInt() : 0;
        int perSample = 4 * Integer.bitCount(flags & 0xF00);
        if (count > MAX_SAMPLES || count * perSample > b.remaining()) {
            throw new Mp4FormatException("trun of " + count + " samples in " + b.remaining() + " bytes", b.position());
        }
        int n = (int) count;
        int[][] columns = new int[4][];
        for (int c = 0; c < 4; c++) {
            columns[c] = (flags & 0x100 << c) != 0 ? new int[n] : null;
        }
        for (int i = 0; i < n; i++) {
            for (int c = 0; c < 4; c++) {
                if (columns[c] != null) {
                    columns[c][i] = b.getInt();
                }
            }
        }
        return new TrackRunBox(flags, n, dataOffset, first, columns[0], columns[1], columns[2], columns[3]);
    }

    private static int flagsOf(int[] durations, int[] sizes, int[] flags, int[] offsets) {
        return (durations != null ? DURATION : 0) | (sizes != null ? SIZE : 0) | (flags != null ? FLAGS : 0)
                | (offsets != null ? COMPOSITION_OFFSET : 0);
    }

    private static int[] copy(int[] values, int n) {
        return values == null ? null : Arrays.copyOf(values, n);
    }

    @Override
    protected long fieldsSize() {
        int f = flags();
        return 4 + ((f & DATA_OFFSET) != 0 ? 4 : 0) + ((f & FIRST_SAMPLE_FLAGS) != 0 ? 4 : 0)
                + 4L * Integer.bitCount(f & 0xF00) * count;
    }

    @Override
    protected void writeFields(ByteBuffer out) {
        int f = flags();
        out.putInt(count);
        if ((f & DATA_OFFSET) != 0) {
            out.putInt(dataOffset);
        }
        if ((f & FIRST_SAMPLE_FLAGS) != 0) {
            out.putInt(firstSampleFlags);
        }
        for (int i = 0; i < count; i++) {
            if (durations != null) {
                out.putInt(durations[i]);
            }
            if (sizes != null) {
                out.putInt(sizes[i]);
            }
            if (sampleFlags != null) {
                out.putInt(sampleFlags[i]);
            }
            if (compositionOffsets != null) {
                out.putInt(compositionOffsets[i]);
            }
        }
    }
}
