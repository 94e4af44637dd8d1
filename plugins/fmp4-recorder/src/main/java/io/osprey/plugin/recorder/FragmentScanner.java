package io.osprey.plugin.recorder;

import io.osprey.media.mp4.Mp4BoxReader;
import io.osprey.media.mp4.Mp4FormatException;
import io.osprey.media.mp4.TrackFragmentBaseMediaDecodeTimeBox;
import io.osprey.media.mp4.TrackFragmentHeaderBox;
import io.osprey.media.mp4.TrackRunBox;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Reads the movie fragments of one fMP4 segment (ISO 14496-12 8.8): each {@code moof} with its {@code traf}s
 * ({@code tfhd}, {@code tfdt}, {@code trun}s) and the {@code mdat} after it, as sample runs whose data lies inside
 * that {@code mdat}. The merge trusts nothing in the file: every run's byte range is checked against its
 * {@code mdat} (overflow-safe), counts and sizes are bounded, and unknown track IDs are refused. A file cut in the
 * middle of a box (a crash) yields the complete fragments before the cut and where they end.
 */
final class FragmentScanner {

    /** One {@code trun}: samples of one track, contiguous in the file from {@code dataOffset}. */
    record Run(int trackId, long decodeTime, long dataOffset, long dataLength, int[] durations, int[] sizes,
               boolean[] sync, int[] compositionOffsets) {
        int samples() {
            return sizes.length;
        }
    }

    /** A complete fragment: its runs in {@code trun} order, and where it ends in the file. */
    record Fragment(long offset, long end, List<Run> runs) {
    }

    /**
     * What was found: the complete fragments, the end of the last one (where a cut file may be truncated), and
     * why the scan stopped early (null if it read to the end).
     */
    record Scan(List<Fragment> fragments, long validEnd, String stopReason) {
    }

    static final int MAX_MOOF = 4 << 20;
    /** Non-sync flag of sample_flags (8.8.3.1): sample_is_non_sync_sample. */
    private static final int NON_SYNC = 0x00010000;

    private FragmentScanner() {
    }

    /** Scans the boxes of {@code reader} for fragments of the tracks in {@code trackIds}. */
    static Scan scan(Mp4BoxReader reader, Set<Integer> trackIds) throws IOException {
        List<Fragment> fragments = new ArrayList<>();
        long validEnd = reader.position();
        List<PendingTraf> pending = null;
        long moofOffset = 0;
        while (true) {
            Mp4BoxReader.Header h;
            try {
                h = reader.next();
            } catch (Mp4FormatException cut) {
                return new Scan(fragments, validEnd, cut.getMessage());
            }
            if (h == null) {
                return new Scan(fragments, validEnd, null);
            }
            if (h.type().equals("moof")) {
                try {
                    pending = moof(reader, h, trackIds);
                } catch (Mp4FormatException bad) {
                    return new Scan(fragments, validEnd, "bad moof at " + h.offset() + ": " + bad.getMessage());
                }
                moofOffset = h.offset();
            } else if (h.type().equals("mdat") && pending != null) {
                List<Run> runs;
                try {
                    runs = place(pending, moofOffset, h);
                } catch (Mp4FormatException bad) {
                    return new Scan(fragments, validEnd, "fragment at " + moofOffset + ": " + bad.getMessage());
                }
                fragments.add(new Fragment(moofOffset, h.end(), runs));
                validEnd = h.end();
                pending = null;
            } else {
                pending = null; // styp, sidx, free, or an mdat with no moof: not media we can place
            }
        }
    }

    /** A parsed traf whose runs still need their file positions. */
    private record PendingTraf(TrackFragmentHeaderBox tfhd, long decodeTime, List<TrackRunBox> runs) {
    }

    private static List<PendingTraf> moof(Mp4BoxReader reader, Mp4BoxReader.Header moof, Set<Integer> trackIds)
            throws IOException {
        ByteBuffer content = reader.content(moof, MAX_MOOF);
        Mp4BoxReader r = Mp4BoxReader.of(content);
        List<PendingTraf> trafs = new ArrayList<>();
        Mp4BoxReader.Header h;
        while ((h = r.next()) != null) {
            if (!h.type().equals("traf")) {
                continue;
            }
            Mp4BoxReader traf = r.children(h);
            TrackFragmentHeaderBox tfhd = null;
            long decodeTime = -1;
            List<TrackRunBox> runs = new ArrayList<>();
            Mp4BoxReader.Header t;
            while ((t = traf.next()) != null) {
                switch (t.type()) {
                    case "tfhd" -> tfhd = TrackFragmentHeaderBox.parse(traf.content(t, 64));
                    case "tfdt" -> decodeTime = TrackFragmentBaseMediaDecodeTimeBox.parse(traf.content(t, 64))
                            .baseMediaDecodeTime();
                    case "trun" -> runs.add(TrackRunBox.parse(traf.content(t, MAX_MOOF)));
                    default -> { }
                }
            }
            if (tfhd == null) {
                throw new Mp4FormatException("traf without tfhd", h.offset());
            }
            if (!trackIds.contains(tfhd.trackId())) {
                throw new Mp4FormatException("traf of unknown track " + tfhd.trackId(), h.offset());
            }
            if (decodeTime < 0) {
                throw new Mp4FormatException("traf without tfdt", h.offset());
            }
            trafs.add(new PendingTraf(tfhd, decodeTime, runs));
        }
        return trafs;
    }

    /** Gives each run its samples and file range, checked against the mdat that follows the moof. */
    private static List<Run> place(List<PendingTraf> trafs, long moofOffset, Mp4BoxReader.Header mdat)
            throws Mp4FormatException {
        List<Run> out = new ArrayList<>();
        long mdatStart = mdat.contentOffset();
        long mdatEnd = mdat.end();
        for (PendingTraf traf : trafs) {
            TrackFragmentHeaderBox tfhd = traf.tfhd();
            int tf = tfhd.flags();
            long base = (tf & TrackFragmentHeaderBox.BASE_DATA_OFFSET) != 0 ? tfhd.baseDataOffset() : moofOffset;
            long next = base;
            long time = traf.decodeTime();
            for (TrackRunBox run : traf.runs()) {
                int n = run.sampleCount();
                int rf = run.flags();
                long start = (rf & TrackRunBox.DATA_OFFSET) != 0 ? base + run.dataOffset() : next;
                int[] durations = values(run.durations(), n, tf, TrackFragmentHeaderBox.DEFAULT_DURATION,
                        tfhd.defaultDuration(), "duration");
                int[] sizes = values(run.sizes(), n, tf, TrackFragmentHeaderBox.DEFAULT_SIZE, tfhd.defaultSize(),
                        "size");
                int[] flags = run.sampleFlags();
                int[] cts = run.compositionOffsets();
                boolean[] sync = new boolean[n];
                long length = 0;
                long duration = 0;
                for (int i = 0; i < n; i++) {
                    length += sizes[i];
                    duration += durations[i];
                    int f = flags != null ? flags[i]
                            : i == 0 && (rf & TrackRunBox.FIRST_SAMPLE_FLAGS) != 0 ? run.firstSampleFlags()
                            : (tf & TrackFragmentHeaderBox.DEFAULT_FLAGS) != 0 ? tfhd.defaultFlags() : 0;
                    sync[i] = (f & NON_SYNC) == 0;
                }
                if (start < mdatStart || start > mdatEnd || length > mdatEnd - start) {
                    throw new Mp4FormatException("trun data " + start + "+" + length + " outside mdat " + mdatStart
                            + ".." + mdatEnd, start);
                }
                out.add(new Run(tfhd.trackId(), time, start, length, durations, sizes, sync,
                        cts != null ? cts : new int[n]));
                next = start + length;
                time += duration;
            }
        }
        return out;
    }

    private static int[] values(int[] perSample, int n, int tfFlags, int defaultFlag, int defaultValue, String what)
            throws Mp4FormatException {
        int[] v = perSample;
        if (v == null) {
            if ((tfFlags & defaultFlag) == 0) {
                throw new Mp4FormatException("no sample " + what + " in trun or tfhd", 0);
            }
            v = new int[n];
            java.util.Arrays.fill(v, defaultValue);
        }
        for (int x : v) {
            if (x < 0) {
                throw new Mp4FormatException("sample " + what + " above 2^31", 0);
            }
        }
        return v;
    }
}
