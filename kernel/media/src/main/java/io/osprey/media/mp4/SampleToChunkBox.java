package io.osprey.media.mp4;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * {@code stsc} (ISO 14496-12 8.7.4): entry_count 32, then (first_chunk 32, samples_per_chunk 32,
 * sample_description_index 32) for each run of chunks with the same sample count.
 */
public final class SampleToChunkBox extends FullBox {
    private final int[] firstChunks;
    private final int[] samplesPerChunk;

    public SampleToChunkBox(int[] firstChunks, int[] samplesPerChunk) {
        super("stsc", 0, 0);
        if (firstChunks.length != samplesPerChunk.length) {
            throw new IllegalArgumentException("arrays differ in length");
        }
        this.firstChunks = firstChunks.clone();
        this.samplesPerChunk = samplesPerChunk.clone();
    }

    /** The table for chunks holding the given sample counts (1-based chunk numbers, description index 1). */
    public static SampleToChunkBox of(int[] chunkSampleCounts, int chunks) {
        int[] first = new int[chunks];
        int[] count = new int[chunks];
        int runs = 0;
        for (int i = 0; i < chunks; i++) {
            if (runs == 0 || count[runs - 1] != chunkSampleCounts[i]) {
                first[runs] = i + 1;
                count[runs++] = chunkSampleCounts[i];
            }
        }
        return new SampleToChunkBox(Arrays.copyOf(first, runs), Arrays.copyOf(count, runs));
    }

    @Override
    protected long fieldsSize() {
        return 4 + 12L * firstChunks.length;
    }

    @Override
    protected void writeFields(ByteBuffer out) {
        out.putInt(firstChunks.length);
        for (int i = 0; i < firstChunks.length; i++) {
            out.putInt(firstChunks[i]).putInt(samplesPerChunk[i]).putInt(1);
        }
    }
}
