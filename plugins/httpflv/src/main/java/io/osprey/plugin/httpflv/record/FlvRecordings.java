package io.osprey.plugin.httpflv.record;

import io.osprey.spi.bus.StreamKey;
import io.osprey.spi.recording.RecordedSession;
import io.osprey.spi.recording.Recorder;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * What the FLV recorder tells the recordings registry: each {@code {root}/{app}/{stream}/{yyyyMMdd_HHmmss}.flv} is a
 * session of its own, open while the recorder writes it. The duration (when details are asked for) comes from the
 * first and last tag timestamps, two small bounded reads.
 */
public final class FlvRecordings implements Recorder {

    private static final DateTimeFormatter NAME = DateTimeFormatter.ofPattern("yyyyMMdd_HHmmss");

    private final Path root;
    private final Supplier<Set<Path>> writing;

    /** {@code writing}: the files being written now. */
    public FlvRecordings(Path root, Supplier<Set<Path>> writing) {
        this.root = root.toAbsolutePath().normalize();
        this.writing = writing;
    }

    @Override
    public String type() {
        return "flv";
    }

    @Override
    public Path root() {
        return root;
    }

    @Override
    public List<RecordedSession> sessions(Listing listing) throws IOException {
        Set<Path> open = writing.get();
        List<Path> files = new ArrayList<>();
        for (Path app : children(root, true)) {
            for (Path stream : children(app, true)) {
                String a = app.getFileName().toString();
                String s = stream.getFileName().toString();
                if (!StreamKey.isValidPart(a) || !StreamKey.isValidPart(s) || !listing.wants(new StreamKey(a, s))) {
                    continue;
                }
                for (Path f : children(stream, false)) {
                    String name = f.getFileName().toString();
                    if (name.endsWith(".flv") && StreamKey.isValidPart(name)) {
                        files.add(f);
                    }
                }
            }
        }
        // names start with the UTC start time (yyyyMMdd_HHmmss): the limit keeps the newest, and only those are
        // opened for their details
        files.sort(Comparator.comparing((Path f) -> f.getFileName().toString()).reversed());
        List<RecordedSession> out = new ArrayList<>(Math.min(files.size(), listing.limit()));
        for (Path f : files.subList(0, Math.min(files.size(), listing.limit()))) {
            String name = f.getFileName().toString();
            String a = f.getParent().getParent().getFileName().toString();
            String s = f.getParent().getFileName().toString();
            boolean live = open.contains(f);
            out.add(new RecordedSession("flv", new StreamKey(a, s), name.substring(0, name.length() - 4), f,
                    live, live ? "recording" : "file", start(name),
                    listing.details() ? duration(f) : null, listing.details() ? Files.size(f) : -1,
                    Map.of("file", FlvFiles.PREFIX + a + "/" + s + "/" + name), null));
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
        }
        return out;
    }

    /** The start in a file name (UTC), or null. */
    static Instant start(String name) {
        try {
            return LocalDateTime.parse(name.substring(0, 15), NAME).toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException | IndexOutOfBoundsException e) {
            return null;
        }
    }

    /**
     * E.2/E.3: the first tag starts at DataOffset + 4; the file ends with the last tag's PreviousTagSize, so the
     * last tag's header is found from the end. Timestamp UI24 at +4, TimestampExtended UI8 at +7.
     */
    static Double duration(Path flv) {
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
