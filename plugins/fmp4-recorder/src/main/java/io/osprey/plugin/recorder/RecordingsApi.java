package io.osprey.plugin.recorder;

import io.osprey.media.mp4.Mp4BoxReader;
import io.osprey.spi.bus.StreamKey;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;

/**
 * {@code GET /api/recordings[?stream=app/name]} (admin token, checked by the kernel): every MP4 session and FLV
 * recording on disk with its stream, start, duration, size, state and URLs, newest first. Durations come from the
 * merged file's {@code mvhd}, else the playlists' {@code EXTINF}s (MP4), or the first and last tag timestamps (FLV);
 * each read is small and bounded. At most {@value #MAX_ENTRIES} entries.
 */
final class RecordingsApi extends Handler.Abstract {

    static final int MAX_ENTRIES = 5000;
    private static final DateTimeFormatter FLV_NAME = DateTimeFormatter.ofPattern("yyyyMMdd_HHmmss");

    private final Path mp4Root;
    private final Path flvRoot;
    private final Supplier<List<String>> live;

    RecordingsApi(Path mp4Root, Path flvRoot, Supplier<List<String>> live) {
        this.mp4Root = mp4Root;
        this.flvRoot = flvRoot;
        this.live = live;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        if (!HttpMethod.GET.is(request.getMethod())) {
            write(response, callback, 405, Map.of("error", "use GET"));
            return true;
        }
        Fields q = Request.extractQueryParameters(request);
        String filter = q.getValue("stream");
        if (filter != null) {
            try {
                filter = StreamKey.parse(filter).toString();
            } catch (IllegalArgumentException e) {
                write(response, callback, 400, Map.of("error", "stream must be app/name"));
                return true;
            }
        }
        List<Map<String, Object>> out = new ArrayList<>();
        try {
            mp4(out, filter);
            flv(out, filter);
        } catch (IOException e) {
            write(response, callback, 500, Map.of("error", "cannot list recordings: " + e.getMessage()));
            return true;
        }
        out.sort(Comparator.comparing((Map<String, Object> m) -> String.valueOf(m.get("start"))).reversed());
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("recordings", out);
        root.put("truncated", out.size() >= MAX_ENTRIES);
        write(response, callback, 200, root);
        return true;
    }

    private static void write(Response response, Callback callback, int status, Object body) {
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json; charset=utf-8");
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        response.write(true, ByteBuffer.wrap(Json.render(body).getBytes(StandardCharsets.UTF_8)), callback);
    }

    private void mp4(List<Map<String, Object>> out, String filter) throws IOException {
        List<String> recording = live.get();
        for (Path streamDir : streamDirs(mp4Root, filter)) {
            List<Path> sessions = children(streamDir, true);
            sessions.sort(null);
            for (int i = 0; i < sessions.size() && out.size() < MAX_ENTRIES; i++) {
                SessionDir s = SessionDir.of(sessions.get(i));
                if (s == null) {
                    continue;
                }
                String base = "/mp4/" + s.key().app() + "/" + s.key().name() + "/" + s.name() + "/";
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("type", "mp4");
                m.put("stream", s.key().toString());
                m.put("session", s.name());
                m.put("start", String.valueOf(s.started()));
                boolean full = Files.isRegularFile(s.full(), LinkOption.NOFOLLOW_LINKS);
                String state = full ? "merged"
                        : Files.exists(s.dir().resolve(SessionDir.MERGE_FAILED)) ? "failed"
                        : recording.contains(s.key().toString()) && i == sessions.size() - 1 ? "recording"
                        : "unfinished";
                m.put("state", state);
                m.put("duration", full ? mvhdDuration(s.full()) : playlistDuration(s));
                m.put("size", folderSize(s.dir()));
                Map<String, Object> urls = new LinkedHashMap<>();
                if (full) {
                    urls.put("full", base + SessionDir.FULL);
                }
                urls.put("index", base + SessionDir.INDEX);
                addIfExists(urls, "merged", s.mergeDir().resolve("index.m3u8"), base + "output_merge/index.m3u8");
                addIfExists(urls, "video", s.separateDir().resolve("video.m3u8"), base + "output_separate/video.m3u8");
                addIfExists(urls, "audio", s.separateDir().resolve("audio.m3u8"), base + "output_separate/audio.m3u8");
                m.put("urls", urls);
                out.add(m);
            }
        }
    }

    private void flv(List<Map<String, Object>> out, String filter) throws IOException {
        for (Path streamDir : streamDirs(flvRoot, filter)) {
            Path app = streamDir.getParent();
            for (Path f : children(streamDir, false)) {
                String name = f.getFileName().toString();
                if (!name.endsWith(".flv") || !StreamKey.isValidPart(name) || out.size() >= MAX_ENTRIES) {
                    continue;
                }
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("type", "flv");
                m.put("stream", app.getFileName() + "/" + streamDir.getFileName());
                m.put("session", name.substring(0, name.length() - 4));
                m.put("start", flvStart(name));
                m.put("state", "file");
                m.put("duration", flvDuration(f));
                m.put("size", Files.size(f));
                m.put("urls", Map.of("file", "/flv/" + app.getFileName() + "/" + streamDir.getFileName() + "/" + name));
                out.add(m);
            }
        }
    }

    private static void addIfExists(Map<String, Object> urls, String key, Path file, String url) {
        if (Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            urls.put(key, url);
        }
    }

    /** {root}/{app}/{stream} folders (not links), optionally only {@code filter}. */
    private static List<Path> streamDirs(Path root, String filter) throws IOException {
        List<Path> out = new ArrayList<>();
        for (Path app : children(root, true)) {
            for (Path stream : children(app, true)) {
                String key = app.getFileName() + "/" + stream.getFileName();
                if (StreamKey.isValidPart(app.getFileName().toString())
                        && StreamKey.isValidPart(stream.getFileName().toString())
                        && (filter == null || filter.equals(key))) {
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
                if (out.size() > MAX_ENTRIES) {
                    break;
                }
            }
        }
        return out;
    }

    private static long folderSize(Path dir) throws IOException {
        long size = 0;
        for (Path p : children(dir, false)) {
            size += Files.size(p);
        }
        for (Path sub : children(dir, true)) {
            for (Path p : children(sub, false)) {
                size += Files.size(p);
            }
        }
        return size;
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

    private static String flvStart(String name) {
        try {
            return LocalDateTime.parse(name.substring(0, 15), FLV_NAME).atZone(ZoneId.systemDefault()).toInstant()
                    .toString();
        } catch (DateTimeParseException | IndexOutOfBoundsException e) {
            return null;
        }
    }

    /**
     * E.2/E.3: the first tag starts at DataOffset + 4; the file ends with the last tag's PreviousTagSize, so the
     * last tag's header is found from the end. Timestamp UI24 at +4, TimestampExtended UI8 at +7.
     */
    static Double flvDuration(Path flv) {
        try (FileChannel ch = FileChannel.open(flv, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
            long size = ch.size();
            ByteBuffer head = read(ch, 0, 9);
            if (head == null || head.get(0) != 'F' || head.get(1) != 'L' || head.get(2) != 'V') {
                return null;
            }
            long dataOffset = head.getInt(5) & 0xFFFFFFFFL;
            ByteBuffer first = read(ch, dataOffset + 4, 11);
            ByteBuffer tail = read(ch, size - 4, 4);
            if (first == null || tail == null) {
                return null;
            }
            long lastStart = size - 4 - (tail.getInt(0) & 0xFFFFFFFFL);
            ByteBuffer last = lastStart >= dataOffset + 4 ? read(ch, lastStart, 11) : null;
            if (last == null) {
                return null;
            }
            long d = timestamp(last) - timestamp(first);
            return d >= 0 ? d / 1000.0 : null;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static long timestamp(ByteBuffer tag) {
        return ((tag.get(4) & 0xFFL) << 16 | (tag.get(5) & 0xFFL) << 8 | (tag.get(6) & 0xFFL))
                | (tag.get(7) & 0xFFL) << 24;
    }

    private static ByteBuffer read(FileChannel ch, long at, int n) throws IOException {
        if (at < 0 || at + n > ch.size()) {
            return null;
        }
        ByteBuffer b = ByteBuffer.allocate(n);
        while (b.hasRemaining()) {
            if (ch.read(b, at + b.position()) < 0) {
                return null;
            }
        }
        return b.flip();
    }
}
