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
 * throughout, so it never races a live recording or another process. A session whose finish fails (a full disk)
 * gets a {@code merge-failed.txt} with the reason when the disk allows, and is tried again (the plugin retries it
 * periodically and at the next start); a success removes the file. A session with a symbolic link where a set
 * folder or file should be is never followed: it is marked ({@code not-finished-symlink.txt}), logged once and left.
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
    enum Outcome { MERGED, FINISHED, BUSY, FAILED, EMPTY, NOT_FOLLOWED }

    private SessionFinisher() {
    }

    /** Whether {@code dir} is a session that still needs finishing (cut segments, or no merge yet). */
    static boolean needsWork(SessionDir s, boolean merge) throws IOException {
        if (Files.exists(s.dir().resolve(SessionDir.NOT_FOLLOWED), LinkOption.NOFOLLOW_LINKS)) {
            return false; // marked (and logged) once: not queued again
        }
        if (Files.exists(s.dir().resolve(SessionDir.MERGE_FAILED), LinkOption.NOFOLLOW_LINKS)
                || symlink(s) != null) {
            return true; // a failed finish is retried; a link is marked by the finish, once
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
            String link = symlink(s);
            if (link != null) {
                LOG.log(Level.WARNING, "recorder {0}: {1} is a symbolic link; the session is not finished and will not"
                        + " be queued again (remove {2} to retry)", s, link, SessionDir.NOT_FOLLOWED);
                AtomicFiles.write(s.dir().resolve(SessionDir.NOT_FOLLOWED), link + " is a symbolic link: not followed\n");
                return Outcome.NOT_FOLLOWED;
            }
            Outcome o = finishLocked(s, live, config);
            Files.deleteIfExists(s.dir().resolve(SessionDir.MERGE_FAILED));
            return o;
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
        SessionIndex index = live;
        if (index == null || recovered) {
            index = new SessionIndex(s);
            // every set's playlist (ended) and index entry from what the scan found on disk
            for (SetLayout l : LAYOUTS) {
                Path folder = s.dir().resolve(l.folder());
                Path init = folder.resolve(l.init());
                if (!Files.isRegularFile(init, LinkOption.NOFOLLOW_LINKS)) {
                    continue;
                }
                List<SegmentOutput.Segment> list = new ArrayList<>();
                List<Path> files = segments(folder, l);
                if (!files.isEmpty()) {
                    Mp4Merger.Result scan = Mp4Merger.merge(List.of(new Mp4Merger.Source(init, files)), null);
                    for (Mp4Merger.SegmentInfo i : scan.segments().get(0)) {
                        list.add(new SegmentOutput.Segment(i.file().getFileName().toString(), i.start(),
                                i.duration(), i.size()));
                    }
                }
                AtomicFiles.write(folder.resolve(l.playlist()), SegmentOutput.playlist(l.init(), list, true));
                index.set(l.name(), l.folder(), l.init(), l.playlist(), mime(init), list);
            }
        }
        // merge from the merged set when there is one, else from the separate sets
        List<Mp4Merger.Source> sources = mergedSet.isEmpty() ? separateSets : mergedSet;
        if (sources.stream().allMatch(src -> src.segments().isEmpty())) {
            Path indexFile = s.dir().resolve(SessionDir.INDEX);
            if (Files.isRegularFile(indexFile, LinkOption.NOFOLLOW_LINKS)
                    && Files.readString(indexFile).contains("\"state\": \"recording\"")) {
                index.state("ended"); // nothing whole was recorded (cut by an error): ended, not "recording"
                index.write();
            }
            return Outcome.EMPTY;
        }
        Mp4Merger.Result result = Mp4Merger.merge(sources, config.merge ? s.full() : null);
        for (String w : result.warnings()) {
            LOG.log(Level.WARNING, "recorder {0}: {1}", s, w);
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

    /** The first set folder, init segment or playlist of {@code s} that is a symbolic link, or null. */
    static String symlink(SessionDir s) {
        for (SetLayout l : LAYOUTS) {
            Path folder = s.dir().resolve(l.folder());
            if (Files.isSymbolicLink(folder)) {
                return l.folder();
            }
            for (String f : new String[] {l.init(), l.playlist()}) {
                if (Files.isSymbolicLink(folder.resolve(f))) {
                    return l.folder() + "/" + f;
                }
            }
        }
        for (String f : new String[] {SessionDir.FULL, SessionDir.INDEX}) {
            if (Files.isSymbolicLink(s.dir().resolve(f))) {
                return f;
            }
        }
        return null;
    }

    private static List<Path> segments(Path folder, SetLayout l) throws IOException {
        List<Path> segments = list(folder, l.prefix() + "-");
        segments.removeIf(p -> !p.getFileName().toString().endsWith(".m4s"));
        segments.sort(null);
        return segments;
    }

    /** The set's MIME type with codecs, read from its init segment (null if it cannot be read). */
    private static String mime(Path init) {
        try (FileChannel ch = FileChannel.open(init, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
            return SampleEntryCodecs.mime(InitSegment.read(ch).tracks());
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.WARNING, "recorder: cannot read the codecs of {0}: {1}", init, e.toString());
            return null;
        }
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
