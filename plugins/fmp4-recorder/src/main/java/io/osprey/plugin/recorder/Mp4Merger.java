package io.osprey.plugin.recorder;

import io.osprey.media.mp4.Box;
import io.osprey.media.mp4.EditBox;
import io.osprey.media.mp4.EditListBox;
import io.osprey.media.mp4.FileTypeBox;
import io.osprey.media.mp4.MediaDataBox;
import io.osprey.media.mp4.MovieBox;
import io.osprey.media.mp4.MovieHeaderBox;
import io.osprey.media.mp4.Mp4BoxReader;
import io.osprey.media.mp4.Mp4FormatException;
import io.osprey.media.mp4.ProgressiveMp4;
import io.osprey.media.mp4.SampleTableBuilder;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns fMP4 segments into one progressive MP4 with {@code moov} before {@code mdat} (fast start), in two passes
 * over the files: first every {@code moof} is scanned into sample tables (memory grows with the number of samples,
 * about 12 bytes each, never with their size), then {@code ftyp + moov + mdat} header is written and each run's
 * bytes are copied from its segment with {@link FileChannel#transferTo}. Sample durations at fragment joins are
 * taken from the next fragment's {@code tfdt}, so tracks stay in sync across gaps; each track gets an edit list
 * that starts it where it started in the stream; offsets past 4 GiB use {@code co64}. The output is written to a
 * temporary name, synced, and renamed over {@code output}.
 */
final class Mp4Merger {

    /** One set of segments with its init segment (a merged A/V set, or one of the separate sets). */
    record Source(Path init, List<Path> segments) {
    }

    /** A segment as found by the scan, for the index: start relative to the movie, duration, size. */
    record SegmentInfo(Path file, double start, double duration, long size) {
    }

    /** What was written. */
    record Result(Path output, long size, double duration, int tracks, boolean largeOffsets, List<String> warnings,
                  List<List<SegmentInfo>> segments) {
    }

    /** More samples than this in one track is refused (about 6 days of 90 fps video). */
    static final int MAX_SAMPLES = 50_000_000;

    private static final class TrackState {
        final InitSegment.Track init;
        final SampleTableBuilder table = new SampleTableBuilder();
        long firstDecode = -1;
        int outputId;

        TrackState(InitSegment.Track init) {
            this.init = init;
        }

        double seconds(long ticks) {
            return (double) ticks / init.timescale();
        }
    }

    /** A run's bytes in a segment, in the order the output will hold them. */
    private record Chunk(int source, int segment, long offset, long length, TrackState track, int samples,
                         double start) {
    }

    private Mp4Merger() {
    }

    /** Merges {@code sources} into {@code output}; with a null output only scans (sizes, durations, segments). */
    static Result merge(List<Source> sources, Path output) throws IOException {
        List<TrackState> tracks = new ArrayList<>();
        List<List<Chunk>> chunks = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        List<List<SegmentInfo>> segmentInfos = new ArrayList<>();
        List<List<double[]>> segmentTimes = new ArrayList<>();
        for (int s = 0; s < sources.size(); s++) {
            Source source = sources.get(s);
            InitSegment init;
            try (FileChannel ch = FileChannel.open(source.init(), StandardOpenOption.READ)) {
                init = InitSegment.read(ch);
            }
            Map<Integer, TrackState> byId = new HashMap<>();
            for (InitSegment.Track t : init.tracks()) {
                TrackState ts = new TrackState(t);
                byId.put(t.trackId(), ts);
                tracks.add(ts);
            }
            List<Chunk> list = new ArrayList<>();
            List<double[]> times = new ArrayList<>();
            for (int g = 0; g < source.segments().size(); g++) {
                times.add(scanSegment(s, g, source.segments().get(g), byId, list, warnings));
            }
            chunks.add(list);
            segmentTimes.add(times);
        }
        tracks.removeIf(t -> t.table.sampleCount() == 0);
        if (tracks.isEmpty()) {
            if (output == null) {
                List<List<SegmentInfo>> empty = new ArrayList<>();
                for (Source src : sources) {
                    List<SegmentInfo> infos = new ArrayList<>();
                    for (Path file : src.segments()) {
                        infos.add(new SegmentInfo(file, 0, 0, Files.size(file)));
                    }
                    empty.add(infos);
                }
                return new Result(null, 0, 0, 0, false, warnings, empty);
            }
            throw new Mp4FormatException("no samples in any segment", 0);
        }
        double movieStart = Double.MAX_VALUE;
        for (TrackState t : tracks) {
            movieStart = Math.min(movieStart, t.seconds(t.firstDecode + t.table.compositionOffset(0)));
        }
        for (int s = 0; s < sources.size(); s++) {
            List<SegmentInfo> infos = new ArrayList<>();
            for (int g = 0; g < sources.get(s).segments().size(); g++) {
                double[] t = segmentTimes.get(s).get(g);
                Path file = sources.get(s).segments().get(g);
                infos.add(new SegmentInfo(file, t == null ? 0 : Math.max(0, t[0] - movieStart),
                        t == null ? 0 : t[1] - t[0], Files.size(file)));
            }
            segmentInfos.add(infos);
        }

        // Interleave: runs of all sources in the order of their start times (each source is already in order).
        List<Chunk> order = interleave(chunks);
        long payload = 0;
        for (Chunk c : order) {
            c.track().table.addChunk(payload, c.samples());
            payload += c.length();
        }
        int id = 1;
        for (TrackState t : tracks) {
            t.outputId = id++;
        }
        FileTypeBox ftyp = ProgressiveMp4.fileType();
        int mdatHeader = MediaDataBox.headerSize(payload);
        long moovSize = 0;
        MovieBox moov = null;
        for (int i = 0; i < 5; i++) {
            moov = movie(tracks, movieStart, ftyp.size() + moovSize + mdatHeader);
            if (moov.size() == moovSize) {
                break;
            }
            moovSize = moov.size();
        }
        if (moov.size() != moovSize) {
            throw new IllegalStateException("moov size did not settle");
        }
        long total = ftyp.size() + moovSize + mdatHeader + payload;
        boolean large = ftyp.size() + moovSize + mdatHeader + payload > 0xFFFFFFFFL;
        if (output != null) {
            write(sources, order, ftyp, moov, payload, output);
        }
        double duration = 0;
        for (TrackState t : tracks) {
            duration = Math.max(duration, t.seconds(t.firstDecode + t.table.compositionOffset(0)) - movieStart
                    + t.seconds(t.table.duration() - t.table.compositionOffset(0)));
        }
        return new Result(output, total, duration, tracks.size(), large, warnings, segmentInfos);
    }

    /** Scans one segment into the tracks' tables; returns its {start, end} in seconds, or null if empty. */
    private static double[] scanSegment(int s, int g, Path file, Map<Integer, TrackState> byId, List<Chunk> list,
                                        List<String> warnings) throws IOException {
        FragmentScanner.Scan scan;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            scan = FragmentScanner.scan(Mp4BoxReader.of(ch), byId.keySet());
        }
        if (scan.stopReason() != null) {
            warnings.add(file.getFileName() + ": kept " + scan.fragments().size() + " fragments, then "
                    + scan.stopReason());
        }
        double start = Double.MAX_VALUE;
        double end = -Double.MAX_VALUE;
        Set<TrackState> seen = new HashSet<>();
        for (FragmentScanner.Fragment f : scan.fragments()) {
            for (FragmentScanner.Run run : f.runs()) {
                if (run.samples() == 0) {
                    continue;
                }
                TrackState t = byId.get(run.trackId());
                SampleTableBuilder table = t.table;
                if (t.firstDecode < 0) {
                    t.firstDecode = run.decodeTime();
                } else {
                    // the previous run's last sample lasts until this run starts (its tfdt is the truth)
                    long delta = run.decodeTime() - (t.firstDecode + table.duration());
                    if (delta != 0) {
                        long fixed = Math.max(0, Math.min(Integer.MAX_VALUE, (long) table.lastDuration() + delta));
                        table.setLastDuration((int) fixed);
                    }
                }
                if ((long) table.sampleCount() + run.samples() > MAX_SAMPLES) {
                    throw new Mp4FormatException("track " + run.trackId() + " has more than " + MAX_SAMPLES
                            + " samples", run.dataOffset());
                }
                long runStart = t.firstDecode + table.duration();
                for (int i = 0; i < run.samples(); i++) {
                    table.addSample(run.durations()[i], run.sizes()[i], run.sync()[i], run.compositionOffsets()[i]);
                }
                if (!seen.contains(t) && seen.isEmpty()) {
                    start = Math.min(start, t.seconds(runStart));
                }
                seen.add(t);
                end = Math.max(end, t.seconds(t.firstDecode + table.duration()));
                list.add(new Chunk(s, g, run.dataOffset(), run.dataLength(), t, run.samples(), t.seconds(runStart)));
            }
        }
        return start == Double.MAX_VALUE ? null : new double[] {start, end};
    }

    private static List<Chunk> interleave(List<List<Chunk>> lists) {
        List<Chunk> out = new ArrayList<>();
        int[] at = new int[lists.size()];
        while (true) {
            int best = -1;
            for (int i = 0; i < lists.size(); i++) {
                if (at[i] < lists.get(i).size() && (best < 0
                        || lists.get(i).get(at[i]).start() < lists.get(best).get(at[best]).start())) {
                    best = i;
                }
            }
            if (best < 0) {
                return out;
            }
            out.add(lists.get(best).get(at[best]++));
        }
    }

    /** {@code moov}: mvhd (timescale 1000) and a trak per track, chunk offsets moved by {@code payloadStart}. */
    private static MovieBox movie(List<TrackState> tracks, double movieStart, long payloadStart) {
        List<Box> boxes = new ArrayList<>();
        List<Box> traks = new ArrayList<>();
        long movieDuration = 0;
        for (TrackState t : tracks) {
            int firstCts = t.table.compositionOffset(0);
            long delayMs = Math.max(0, Math.round((t.seconds(t.firstDecode + firstCts) - movieStart) * 1000));
            long mediaMs = Math.round(t.seconds(Math.max(0, t.table.duration() - firstCts)) * 1000);
            EditBox edts = new EditBox(EditListBox.delayed(delayMs, mediaMs, Math.max(0, firstCts)));
            long trackMs = delayMs + mediaMs;
            movieDuration = Math.max(movieDuration, trackMs);
            InitSegment.Track init = t.init;
            traks.add(ProgressiveMp4.trak(t.outputId, init.video(), init.timescale(), init.width(), init.height(),
                    t.table.build(init.stsd(), payloadStart), edts, t.table.duration(), trackMs));
        }
        boxes.add(new MovieHeaderBox(1000, movieDuration, tracks.size() + 1));
        boxes.addAll(traks);
        return new MovieBox(boxes);
    }

    private static void write(List<Source> sources, List<Chunk> order, FileTypeBox ftyp, MovieBox moov, long payload,
                              Path output) throws IOException {
        Path tmp = output.resolveSibling(output.getFileName() + ".tmp");
        boolean done = false;
        FileChannel[] open = new FileChannel[sources.size()];
        int[] openSegment = new int[sources.size()];
        try (FileChannel out = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            long headSize = ftyp.size() + moov.size() + MediaDataBox.headerSize(payload);
            if (headSize > Integer.MAX_VALUE - 16) {
                throw new IOException("moov of " + moov.size() + " bytes is too large");
            }
            ByteBuffer head = ByteBuffer.allocate((int) headSize);
            ftyp.write(head);
            moov.write(head);
            MediaDataBox.writeHeader(head, payload);
            head.flip();
            while (head.hasRemaining()) {
                out.write(head);
            }
            long position = headSize;
            for (Chunk c : order) {
                FileChannel src = open[c.source()];
                if (src == null || openSegment[c.source()] != c.segment()) {
                    if (src != null) {
                        src.close();
                    }
                    src = FileChannel.open(sources.get(c.source()).segments().get(c.segment()),
                            StandardOpenOption.READ);
                    open[c.source()] = src;
                    openSegment[c.source()] = c.segment();
                }
                long copied = 0;
                while (copied < c.length()) {
                    long n = src.transferTo(c.offset() + copied, c.length() - copied, out.position(position));
                    if (n <= 0) {
                        throw new IOException("segment ended while copying its samples (changed during the merge?)");
                    }
                    copied += n;
                    position += n;
                }
            }
            out.force(true);
            done = true;
        } finally {
            for (FileChannel ch : open) {
                if (ch != null) {
                    ch.close();
                }
            }
            if (!done) {
                Files.deleteIfExists(tmp);
            }
        }
        AtomicFiles.move(tmp, output);
    }
}
