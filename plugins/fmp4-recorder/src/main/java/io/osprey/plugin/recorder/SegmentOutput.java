package io.osprey.plugin.recorder;

import io.osprey.media.codec.AacConfig;
import io.osprey.media.codec.AvcConfig;
import io.osprey.media.codec.CodecException;
import io.osprey.media.codec.HevcConfig;
import io.osprey.media.mp4.Fmp4FragmentWriter;
import io.osprey.media.mp4.Fmp4InitWriter;
import io.osprey.spi.bus.Frame;
import io.osprey.spi.bus.TrackInfo;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One set of fMP4 segments being recorded: an init segment, numbered {@code .m4s} segments and an HLS playlist
 * (RFC 8216, {@code EXT-X-MAP}). The open segment is {@code NAME.m4s.part}; each fragment is appended to it in one
 * write (so a killed process leaves whole fragments plus at most one partial one, which recovery cuts off) and it
 * is renamed to {@code .m4s} when closed. Only closed segments are listed. Used from one writer thread at a time.
 */
final class SegmentOutput implements AutoCloseable {

    /** A closed segment: file name, start and duration in seconds from the session start, size. */
    record Segment(String name, double start, double duration, long size) {
    }

    private final Path dir;
    private final String initName;
    private final String prefix;
    private final String playlistName;
    private final List<TrackInfo> tracks;
    private final boolean fsync;
    private final Fmp4FragmentWriter writer;
    private final List<Segment> segments = new ArrayList<>();
    private final long originMs;
    private int sequence;
    private int number;
    private FileChannel open;
    private Path openPath;
    private long openSize;
    private long segmentStartMs = Long.MIN_VALUE;
    private long lastDts = Long.MIN_VALUE;
    private long lastStep = 40;
    private long pendingBytes;

    SegmentOutput(Path dir, String initName, String prefix, String playlistName, List<TrackInfo> tracks,
                  boolean fsync, long originMs) {
        this.dir = dir;
        this.initName = initName;
        this.prefix = prefix;
        this.playlistName = playlistName;
        this.tracks = List.copyOf(tracks);
        this.fsync = fsync;
        this.originMs = originMs;
        this.writer = new Fmp4FragmentWriter(this.tracks);
    }

    /** Writes the init segment and an empty playlist. */
    void start() throws IOException {
        Files.createDirectories(dir);
        AtomicFiles.write(dir.resolve(initName), Fmp4InitWriter.init(tracks));
        writePlaylist(false);
    }

    String initName() {
        return initName;
    }

    String playlistName() {
        return playlistName;
    }

    List<Segment> segments() {
        return segments;
    }

    /** RFC 6381 codecs of the tracks, e.g. {@code avc1.42c01e,mp4a.40.2}. */
    String codecs() {
        List<String> out = new ArrayList<>();
        for (TrackInfo t : tracks) {
            out.add(codecString(t));
        }
        return String.join(",", out);
    }

    static String codecString(TrackInfo t) {
        try {
            return switch (t.codec()) {
                case H264 -> AvcConfig.parse(t.config()).codecString();
                case H265 -> HevcConfig.parse(t.config()).codecString();
                case AAC -> AacConfig.parse(t.config()).codecString();
                case MP3 -> "mp4a.40.34";
                case OPUS -> "opus";
                case AV1 -> "av01";
                default -> t.codec().fourCc();
            };
        } catch (CodecException | RuntimeException e) {
            return t.codec().fourCc();
        }
    }

    /** Queues a frame for the next fragment. */
    void add(Frame f) {
        if (writer.add(f)) {
            if (segmentStartMs == Long.MIN_VALUE) {
                segmentStartMs = f.dts();
            }
            if (lastDts != Long.MIN_VALUE && f.dts() > lastDts) {
                lastStep = Math.min(f.dts() - lastDts, 1000);
            }
            lastDts = Math.max(lastDts, f.dts());
            pendingBytes += f.size();
        }
    }

    long pendingBytes() {
        return pendingBytes;
    }

    /** Writes the queued frames as one fragment at the end of the open segment (opening it if needed). */
    void flushFragment() throws IOException {
        if (writer.isEmpty()) {
            return;
        }
        ByteBuffer fragment = writer.fragment(++sequence);
        pendingBytes = 0;
        if (open == null) {
            number++;
            openPath = dir.resolve(String.format(Locale.ROOT, "%s-%05d.m4s.part", prefix, number));
            open = FileChannel.open(openPath, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            openSize = 0;
        }
        while (fragment.hasRemaining()) {
            openSize += open.write(fragment);
        }
        if (fsync) {
            open.force(false);
        }
    }

    /** Closes the open segment at {@code nextStartMs} (the first frame of the next one) and lists it. */
    void cut(long nextStartMs, boolean last) throws IOException {
        flushFragment();
        if (open != null) {
            open.force(false);
            open.close();
            open = null;
            String name = openPath.getFileName().toString();
            name = name.substring(0, name.length() - ".part".length());
            AtomicFiles.move(openPath, dir.resolve(name));
            long end = last ? lastDts + lastStep : nextStartMs;
            segments.add(new Segment(name, (segmentStartMs - originMs) / 1000.0,
                    Math.max(0, end - segmentStartMs) / 1000.0, openSize));
            writePlaylist(last);
        } else if (last) {
            writePlaylist(true);
        }
        segmentStartMs = Long.MIN_VALUE;
    }

    private void writePlaylist(boolean ended) throws IOException {
        AtomicFiles.write(dir.resolve(playlistName), playlist(initName, segments, ended));
    }

    /** RFC 8216 4.3: an EVENT playlist while recording, VOD with EXT-X-ENDLIST at the end. */
    static String playlist(String initName, List<Segment> segments, boolean ended) {
        double target = 1;
        for (Segment s : segments) {
            target = Math.max(target, Math.ceil(s.duration()));
        }
        StringBuilder b = new StringBuilder(256 + segments.size() * 40);
        b.append("#EXTM3U\n#EXT-X-VERSION:7\n#EXT-X-TARGETDURATION:").append((long) target).append('\n');
        b.append("#EXT-X-MEDIA-SEQUENCE:0\n#EXT-X-PLAYLIST-TYPE:").append(ended ? "VOD" : "EVENT").append('\n');
        b.append("#EXT-X-MAP:URI=\"").append(initName).append("\"\n");
        for (Segment s : segments) {
            b.append(String.format(Locale.ROOT, "#EXTINF:%.3f,\n", s.duration())).append(s.name()).append('\n');
        }
        if (ended) {
            b.append("#EXT-X-ENDLIST\n");
        }
        return b.toString();
    }

    /** Closes the open file without listing it (on failure); recovery at the next start deals with it. */
    @Override
    public void close() {
        if (open != null) {
            try {
                open.close();
            } catch (IOException ignored) {
                // already failing
            }
            open = null;
        }
    }
}
