package io.osprey.media.mp4;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Collects one track's samples and chunks for a progressive (non-fragmented) MP4 and writes its {@code stbl}
 * (ISO 14496-12 8.5): {@code stsd} as given, {@code stts}, {@code ctts} when any composition offset is not 0,
 * {@code stss} when any sample is not a sync sample, {@code stsc}, {@code stsz}, and {@code stco} or, once an
 * offset passes 4 GiB, {@code co64}. About 12 bytes of heap per sample and 12 per chunk, whatever the sample
 * sizes: the tables, never the media. Not thread-safe.
 *
 * <pre>{@code
 * SampleTableBuilder t = new SampleTableBuilder();
 * t.addChunk(offsetInMdat, 3);
 * t.addSample(3000, 1200, true, 0); t.addSample(3000, 800, false, 0); t.addSample(3000, 700, false, 0);
 * SampleTableBox stbl = t.build(stsd, mdatPayloadStart);
 * }</pre>
 */
public final class SampleTableBuilder {
    private int[] durations = new int[256];
    private int[] sizes = new int[256];
    private int[] compositionOffsets;
    private int[] syncSamples = new int[64];
    private int syncCount;
    private int count;
    private long duration;
    private long[] chunkOffsets = new long[64];
    private int[] chunkSamples = new int[64];
    private int chunks;
    private int samplesInChunks;

    /** Appends a sample: duration in media ticks (not negative), size in bytes, sync, composition offset in ticks. */
    public void addSample(int duration, int size, boolean sync, int compositionOffset) {
        if (duration < 0 || size < 0) {
            throw new IllegalArgumentException("negative sample duration or size");
        }
        if (count == durations.length) {
            int grown = grow(count);
            durations = Arrays.copyOf(durations, grown);
            sizes = Arrays.copyOf(sizes, grown);
            if (compositionOffsets != null) {
                compositionOffsets = Arrays.copyOf(compositionOffsets, grown);
            }
        }
        if (compositionOffset != 0 && compositionOffsets == null) {
            compositionOffsets = new int[durations.length];
        }
        durations[count] = duration;
        sizes[count] = size;
        if (compositionOffsets != null) {
            compositionOffsets[count] = compositionOffset;
        }
        if (sync) {
            if (syncCount == syncSamples.length) {
                syncSamples = Arrays.copyOf(syncSamples, grow(syncCount));
            }
            syncSamples[syncCount++] = count + 1;
        }
        count++;
        this.duration += duration;
    }

    /** Changes the duration of the last sample added (when the next fragment's decode time says what it was). */
    public void setLastDuration(int duration) {
        if (count == 0 || duration < 0) {
            throw new IllegalStateException(count == 0 ? "no sample yet" : "negative duration");
        }
        this.duration += duration - durations[count - 1];
        durations[count - 1] = duration;
    }

    public int lastDuration() {
        return count == 0 ? 0 : durations[count - 1];
    }

    /**
     * Appends a chunk of the next {@code samples} samples (added before or after this call), whose data starts
     * {@code offset} bytes after the base given to {@link #build}.
     */
    public void addChunk(long offset, int samples) {
        if (offset < 0 || samples <= 0) {
            throw new IllegalArgumentException("chunk offset " + offset + ", samples " + samples);
        }
        if (chunks == chunkOffsets.length) {
            int grown = grow(chunks);
            chunkOffsets = Arrays.copyOf(chunkOffsets, grown);
            chunkSamples = Arrays.copyOf(chunkSamples, grown);
        }
        chunkOffsets[chunks] = offset;
        chunkSamples[chunks++] = samples;
        samplesInChunks += samples;
    }

    public int sampleCount() {
        return count;
    }

    public int chunkCount() {
        return chunks;
    }

    /** The sum of sample durations, in media ticks. */
    public long duration() {
        return duration;
    }

    /** The composition offset of sample {@code i} (0-based). */
    public int compositionOffset(int i) {
        return compositionOffsets == null ? 0 : compositionOffsets[i];
    }

    /** The largest chunk offset before the base is added. */
    public long maxChunkOffset() {
        long max = 0;
        for (int i = 0; i < chunks; i++) {
            max = Math.max(max, chunkOffsets[i]);
        }
        return max;
    }

    /**
     * The {@code stbl} with chunk offsets moved by {@code base} (where the chunk offsets' origin lies in the file).
     *
     * @throws IllegalStateException if the chunks do not hold exactly the samples added
     */
    public SampleTableBox build(Box sampleDescription, long base) {
        if (samplesInChunks != count) {
            throw new IllegalStateException(samplesInChunks + " samples in chunks, " + count + " samples added");
        }
        List<Box> boxes = new ArrayList<>(7);
        boxes.add(sampleDescription);
        boxes.add(TimeToSampleBox.of(durations, count));
        if (compositionOffsets != null) {
            boxes.add(CompositionOffsetBox.of(compositionOffsets, count));
        }
        if (syncCount < count) {
            boxes.add(new SyncSampleBox(syncSamples, syncCount));
        }
        boxes.add(SampleToChunkBox.of(chunkSamples, chunks));
        boxes.add(new SampleSizeBox(sizes, count));
        long[] offsets = new long[chunks];
        for (int i = 0; i < chunks; i++) {
            offsets[i] = chunkOffsets[i] + base;
        }
        boxes.add(ChunkLargeOffsetBox.of(offsets, chunks));
        return new SampleTableBox(boxes);
    }

    private static int grow(int n) {
        if (n >= Integer.MAX_VALUE / 2) {
            throw new IllegalStateException("too many samples");
        }
        return n * 2;
    }
}
