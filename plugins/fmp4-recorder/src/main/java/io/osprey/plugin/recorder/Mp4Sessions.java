package io.osprey.plugin.recorder;

import io.osprey.media.mp4.Mp4BoxReader;
import io.osprey.spi.bus.StreamKey;
import io.osprey.spi.recording.RecordedSession;
import io.osprey.spi.recording.Recorder;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * What fmp4-recorder tells the recordings registry: every session folder under {@code mp4/{app}/{stream}/} with
 * its state, URLs and (when details are asked for) duration and size. A session is open while it is recorded (the
 * newest session of a stream being recorded) or waiting for or going through its merge; the cleaner never touches
 * an open session. Durations come from the merged file's {@code mvhd}, else the playlists' {@code EXTINF}s; each
 * read is small and bounded.
 */
final class Mp4Sessions implements Recorder {

    private final Path mp4Root;
    private final Predicate<StreamKey> recording;
    private final Predicate<Path> finishing;

    /**
     * @param recording whether a stream is being recorded now
     * @param finishing whether a session folder is queued for or going through its merge
     */
    Mp4Sessions(Path mp4Root, Predicate<StreamKey> recording, Predicate<Path> finishing) {
        this.mp4Root = mp4Root.toAbsolutePath().normalize();
        this.recording = recording;
        this.finishing = finishing;
    }

    @Override
    public String type() {
        return "mp4";
    }

    @Override
    public Path root() {
        return mp4Root;
    }

    @Override
    public List<RecordedSession> sessions(Listing listing) throws IOException {
        List<RecordedSession> out = new ArrayList<>();
        for (Path streamDir : streamDirs(mp4Root, listing)) {
            List<Path> sessions = children(streamDir, true);
            sessions.sort(null);
            for (int i = 0; i < sessions.size() && out.size() < listing.limit(); i++) {
                SessionDir s = SessionDir.of(sessions.get(i));
                if (s != null) {
                    out.add(session(s, i == sessions.size() - 1, listing.details()));
                }
            }
        }
        return out;
    }

    private RecordedSession session(SessionDir s, boolean newest, boolean details) throws IOException {
        String base = "/mp4/" + s.key().app() + "/" + s.key().name() + "/" + s.name() + "/";
        boolean full = Files.isRegularFile(s.full(), LinkOption.NOFOLLOW_LINKS);
        boolean live = newest && recording.test(s.key());
        boolean open = live || finishing.test(s.dir());
        String state = full ? "merged"
                : Files.exists(s.dir().resolve(SessionDir.MERGE_FAILED), LinkOption.NOFOLLOW_LINKS) ? "failed"
                : live ? "recording"
                : "unfinished";
        Map<String, String> urls = new LinkedHashMap<>();
        if (full) {
            urls.put("full", base + SessionDir.FULL);
        }
        urls.put("index", base + SessionDir.INDEX);
        if (details) { // three more stats per session: only for the listing, not for the cleaner's scan
            addIfExists(urls, "merged", s.mergeDir().resolve("index.m3u8"), base + "output_merge/index.m3u8");
            addIfExists(urls, "video", s.separateDir().resolve("video.m3u8"), base + "output_separate/video.m3u8");
            addIfExists(urls, "audio", s.separateDir().resolve("audio.m3u8"), base + "output_separate/audio.m3u8");
        }
        Double duration = details ? (full ? mvhdDuration(s.full()) : playlistDuration(s)) : null;
        long size = details ? folderSize(s.dir()) : -1;
        return new RecordedSession("mp4", s.key(), s.name(), s.dir(), open, state, s.started(), duration, size, urls,
                full ? s.full() : null);
    }

    private static void addIfExists(Map<String, String> urls, String key, Path file, String url) {
        if (Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            urls.put(key, url);
        }
    }

    /** {root}/{app}/{stream} folders (not links), optionally only {@code filter}. */
    private static List<Path> streamDirs(Path root, Listing listing) throws IOException {
        List<Path> out = new ArrayList<>();
        for (Path app : children(root, true)) {
            for (Path stream : children(app, true)) {
                if (StreamKey.isValidPart(app.getFileName().toString())
                        && StreamKey.isValidPart(stream.getFileName().toString())
                        && listing.wants(new StreamKey(app.getFileName().toString(),
                        stream.getFileName().toString()))) {
                    out.add(stream);
                }
            }
        }
        return out;
    }

    private static List<Path> children(Path dir, boolean dirs) throws IOException {
        List<Path> out = new ArrayList<>();
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            return out;
        }
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path p : ds) {
                if (dirs ? Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)
                        : Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                    out.add(p);
                }
            }
        } catch (java.nio.file.NoSuchFileException gone) {
            // removed since the check (a session's segment folder after its merge): nothing in it now
        }
        return out;
    }

    private static long folderSize(Path dir) throws IOException {
        long size = 0;
        for (Path p : children(dir, false)) {
            size += sizeIfThere(p);
        }
        for (Path sub : children(dir, true)) {
            for (Path p : children(sub, false)) {
                size += sizeIfThere(p);
            }
        }
        return size;
    }

    /**
     * A file's size, 0 if it went away since the folder was read: a session that finishes while it is listed removes
     * its {@code session.lock} and segment files (the listing answered 500 then; RecorderReconfigureTest).
     */
    private static long sizeIfThere(Path p) throws IOException {
        try {
            return Files.size(p);
        } catch (java.nio.file.NoSuchFileException gone) {
            return 0;
        }
    }

    /** ISO 14496-12 8.2.2 mvhd: timescale and duration (32 or 64 bits by version). */
    static Double mvhdDuration(Path mp4) {
        try (FileChannel ch = FileChannel.open(mp4, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
            Mp4BoxReader r = Mp4BoxReader.of(ch);
            Mp4BoxReader.Header h;
            while ((h = r.next()) != null) {
                if (h.type().equals("moov")) {
                    Mp4BoxReader moov = r.children(h);
                    Mp4BoxReader.Header m;
                    while ((m = moov.next()) != null) {
                        if (m.type().equals("mvhd")) {
                            ByteBuffer b = moov.content(m, 256);
                            boolean v1 = b.get(0) == 1;
                            long scale = (b.getInt(v1 ? 20 : 12)) & 0xFFFFFFFFL;
                            long duration = v1 ? b.getLong(24) : b.getInt(16) & 0xFFFFFFFFL;
                            return scale == 0 ? null : (double) duration / scale;
                        }
                    }
                    return null;
                }
            }
        } catch (IOException | RuntimeException e) {
            return null;
        }
        return null;
    }

    /** The sum of the merged (else video, else audio) playlist's EXTINF durations. */
    private static Double playlistDuration(SessionDir s) {
        for (Path p : List.of(s.mergeDir().resolve("index.m3u8"), s.separateDir().resolve("video.m3u8"),
                s.separateDir().resolve("audio.m3u8"))) {
            try {
                if (!Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS) || Files.size(p) > (8 << 20)) {
                    continue;
                }
                double sum = 0;
                for (String line : Files.readAllLines(p, StandardCharsets.UTF_8)) {
                    if (line.startsWith("#EXTINF:")) {
                        int comma = line.indexOf(',');
                        sum += Double.parseDouble(line.substring(8, comma < 0 ? line.length() : comma));
                    }
                }
                return sum;
            } catch (IOException | RuntimeException e) {
                return null;
            }
        }
        return null;
    }
}
