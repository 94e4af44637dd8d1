package io.osprey.plugin.recorder;

import io.osprey.media.mp4.Mp4BoxReader;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Completes a session after its recording: segments left open by a crash ({@code .m4s.part}) are cut back to
 * their last whole fragment and closed, playlists and {@code index.json} are rewritten from what is on disk, the
 * segments are merged into {@code stream_full.mp4}, and (if configured) removed. Holds the session lock
 * throughout, so it never races a live recording or another process. A session whose merge fails gets a
 * {@code merge-failed.txt} with the reason and is not retried.
 */
final class SessionFinisher {

    private static final System.Logger LOG = System.getLogger(SessionFinisher.class.getName());

    /** The sets a session may hold: folder, init, segment prefix, playlist, index name. */
    private record SetLayout(String folder, String init, String prefix, String playlist, String name) {
    }

    private static final List<SetLayout> LAYOUTS = List.of(
            new SetLayout(SessionDir.MERGE_DIR, "init.mp4", "seg", "index.m3u8", "merged"),
            new SetLayout(SessionDir.SEPARATE_DIR, "video_init.mp4", "video", "video.m3u8", "video"),
            new SetLayout(SessionDir.SEPARATE_DIR, "audio_init.mp4", "audio", "audio.m3u8", "audio"));

    /** What happened. */
    enum Outcome { MERGED, FINISHED, BUSY, FAILED, EMPTY }

    private SessionFinisher() {
    }

    /** Whether {@code dir} is a session that still needs finishing (cut segments, or no merge yet). */
    static boolean needsWork(SessionDir s, boolean merge) throws IOException {
        if (Files.exists(s.dir().resolve(SessionDir.MERGE_FAILED), LinkOption.NOFOLLOW_LINKS)) {
            return false;
        }
        boolean parts = false;
        boolean segments = false;
        for (SetLayout l : LAYOUTS) {
            for (Path p : list(s.dir().resolve(l.folder()), l.prefix() + "-")) {
                String n = p.getFileName().toString();
                parts |= n.endsWith(".m4s.part");
                segments |= n.endsWith(".m4s");
            }
        }
        return parts || (merge && segments && !Files.exists(s.full(), LinkOption.NOFOLLOW_LINKS));
    }

    /**
     * Finishes {@code s}. {@code live} is the index the recording kept (with codec MIME types), or null after a
     * crash, when it is rebuilt from the segments.
     */
    static Outcome finish(SessionDir s, SessionIndex live, RecorderConfig config) {
        try (SessionDir.SessionLock lock = s.lock()) {
            if (lock == null) {
                return Outcome.BUSY;
            }
            return finishLocked(s, live, config);
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.ERROR, "recorder " + s + ": could not finish the session: " + e,
                    e instanceof IOException ? null : e);
            try {
                AtomicFiles.write(s.dir().resolve(SessionDir.MERGE_FAILED), e + "\n");
            } catch (IOException ignored) {
                // the next start will try again
            }
            return Outcome.FAILED;
        }
    }

    private static Outcome finishLocked(SessionDir s, SessionIndex live, RecorderConfig config) throws IOException {
        List<Mp4Merger.Source> mergedSet = new ArrayList<>();
        List<Mp4Merger.Source> separateSets = new ArrayList<>();
        boolean recovered = false;
        for (SetLayout l : LAYOUTS) {
            Path folder = s.dir().resolve(l.folder());
            Path init = folder.resolve(l.init());
            if (!Files.isRegularFile(init, LinkOption.NOFOLLOW_LINKS)) {
                continue;
            }
            recovered |= closeCutSegments(folder, init, l.prefix());
            Mp4Merger.Source src = new Mp4Merger.Source(init, segments(folder, l));
            (l.name().equals("merged") ? mergedSet : separateSets).add(src);
        }
        // merge from the merged set when there is one, else from the separate sets
        List<Mp4Merger.Source> sources = mergedSet.isEmpty() ? separateSets : mergedSet;
        if (sources.stream().allMatch(src -> src.segments().isEmpty())) {
            return Outcome.EMPTY;
        }
        Mp4Merger.Result result = Mp4Merger.merge(sources, config.merge ? s.full() : null);
        for (String w : result.warnings()) {
            LOG.log(Level.WARNING, "recorder {0}: {1}", s, w);
        }
        SessionIndex index = live;
        if (index == null || recovered) {
            index = new SessionIndex(s);
            // every set's playlist and index entry from what the scan found on disk
            for (SetLayout l : LAYOUTS) {
                Path folder = s.dir().resolve(l.folder());
                Path init = folder.resolve(l.init());
                if (!Files.isRegularFile(init, LinkOption.NOFOLLOW_LINKS)) {
                    continue;
                }
                Mp4Merger.Result scan = Mp4Merger.merge(List.of(new Mp4Merger.Source(init, segments(folder, l))),
                        null);
                List<SegmentOutput.Segment> list = new ArrayList<>();
                for (Mp4Merger.SegmentInfo i : scan.segments().get(0)) {
                    list.add(new SegmentOutput.Segment(i.file().getFileName().toString(), i.start(), i.duration(),
                            i.size()));
                }
                AtomicFiles.write(folder.resolve(l.playlist()), SegmentOutput.playlist(l.init(), list, true));
                index.set(l.name(), l.folder(), l.init(), l.playlist(), null, list);
            }
        }
        if (!config.merge) {
            index.state("ended");
            index.write();
            return Outcome.FINISHED;
        }
        index.full(result.size(), result.duration());
        index.state("merged");
        if (!config.keepSegments) {
            index.clearSets();
            for (SetLayout l : LAYOUTS) {
                deleteSet(s.dir().resolve(l.folder()), l);
            }
        }
        index.write();
        LOG.log(Level.INFO, "recorder {0}: merged {1} ({2} bytes, {3} s, {4} tracks{5})", s, s.full(),
                result.size(), String.format(java.util.Locale.ROOT, "%.3f", result.duration()), result.tracks(),
                result.largeOffsets() ? ", 64-bit offsets" : "");
        return Outcome.MERGED;
    }

    private static List<Path> segments(Path folder, SetLayout l) throws IOException {
        List<Path> segments = list(folder, l.prefix() + "-");
        segments.removeIf(p -> !p.getFileName().toString().endsWith(".m4s"));
        segments.sort(null);
        return segments;
    }

    /** Cuts each {@code .m4s.part} back to its last whole fragment and renames it; true if there was one. */
    private static boolean closeCutSegments(Path folder, Path init, String prefix) throws IOException {
        List<Path> parts = list(folder, prefix + "-");
        parts.removeIf(p -> !p.getFileName().toString().endsWith(".m4s.part"));
        if (parts.isEmpty()) {
            return false;
        }
        Set<Integer> ids = new HashSet<>();
        try (FileChannel ch = FileChannel.open(init, StandardOpenOption.READ)) {
            for (InitSegment.Track t : InitSegment.read(ch).tracks()) {
                ids.add(t.trackId());
            }
        }
        for (Path part : parts) {
            long keep;
            try (FileChannel ch = FileChannel.open(part, StandardOpenOption.READ, StandardOpenOption.WRITE,
                    LinkOption.NOFOLLOW_LINKS)) {
                FragmentScanner.Scan scan = FragmentScanner.scan(Mp4BoxReader.of(ch), ids);
                keep = scan.validEnd();
                if (keep < ch.size()) {
                    LOG.log(Level.INFO, "recorder: {0}: keeping {1} whole fragments ({2} of {3} bytes)", part,
                            scan.fragments().size(), keep, ch.size());
                    ch.truncate(keep);
                }
                ch.force(true);
            }
            String name = part.getFileName().toString();
            if (keep == 0) {
                Files.delete(part);
            } else {
                AtomicFiles.move(part, folder.resolve(name.substring(0, name.length() - ".part".length())));
            }
        }
        return true;
    }

    private static void deleteSet(Path folder, SetLayout l) throws IOException {
        for (Path p : list(folder, l.prefix() + "-")) {
            Files.deleteIfExists(p);
        }
        Files.deleteIfExists(folder.resolve(l.init()));
        Files.deleteIfExists(folder.resolve(l.playlist()));
        try {
            Files.deleteIfExists(folder);
        } catch (java.nio.file.DirectoryNotEmptyException other) {
            // the other separate set is still there, or a foreign file
        }
    }

    /** Regular files (not links) in {@code folder} whose names start with {@code prefix}, unsorted. */
    static List<Path> list(Path folder, String prefix) throws IOException {
        List<Path> out = new ArrayList<>();
        if (!Files.isDirectory(folder, LinkOption.NOFOLLOW_LINKS)) {
            return out;
        }
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(folder)) {
            for (Path p : ds) {
                if (p.getFileName().toString().startsWith(prefix)
                        && Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                    out.add(p);
                }
            }
        }
        return out;
    }
}
