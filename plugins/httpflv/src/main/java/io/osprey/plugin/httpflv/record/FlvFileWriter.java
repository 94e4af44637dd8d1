package io.osprey.plugin.httpflv.record;

import io.osprey.media.amf0.Amf0EcmaArray;
import io.osprey.media.flv.FlvHeader;
import io.osprey.media.flv.FlvMedia;
import io.osprey.plugin.httpflv.OnMetaData;
import io.osprey.spi.bus.Frame;
import io.osprey.spi.bus.MediaKind;
import io.osprey.spi.bus.TrackInfo;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;

/**
 * Writes one FLV file: the header (E.2), an {@code onMetaData} tag whose {@code duration} and {@code filesize}
 * numbers are reserved up front and filled in at {@link #close}, then tags with timestamps from 0 and correct
 * PreviousTagSizes (E.3). A recording that starts mid-stream begins on a video key frame (codec configs are written
 * before it at time 0); media frames before it, and audio older than it, are left out, so every track starts at or
 * after 0 and runs forward. Every batch goes straight to the file (no user-space buffer), so what was written
 * survives a crash of the publisher or of this process and plays as it is. Not thread-safe.
 */
final class FlvFileWriter implements AutoCloseable {

    private final Path path;
    private final FileChannel channel;
    private long size;
    private long durationAt = -1;
    private long filesizeAt = -1;
    private long base = Long.MIN_VALUE;
    private long lastDts;
    private boolean waitForKey;
    private long skipped;

    FlvFileWriter(Path path) throws IOException {
        this.path = path;
        this.channel = FileChannel.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    }

    Path path() {
        return path;
    }

    long size() {
        return size;
    }

    /** Media frames left out before the first key frame. */
    long skipped() {
        return skipped;
    }

    /** Stream time written so far, ms. */
    long durationMillis() {
        return base == Long.MIN_VALUE ? 0 : Math.max(0, lastDts - base);
    }

    /** Writes the header and the metadata tag; call once, before the first frames. */
    void begin(List<TrackInfo> tracks, Map<String, Object> streamMetadata) throws IOException {
        boolean video = tracks.stream().anyMatch(t -> t.kind() == MediaKind.VIDEO);
        waitForKey = video;
        boolean audio = tracks.stream().anyMatch(t -> t.kind() == MediaKind.AUDIO);
        if (!video && !audio) {
            video = true;
            audio = true;
        }
        Amf0EcmaArray md = OnMetaData.file(streamMetadata, tracks);
        byte[] header = FlvHeader.bytes(audio, video);
        ByteBuffer meta = FlvMedia.metadataTag(md);
        durationAt = header.length + find(meta, "duration");
        filesizeAt = header.length + find(meta, "filesize");
        ByteBuffer out = ByteBuffer.allocate(header.length + meta.remaining());
        out.put(header).put(meta).flip();
        write(out);
    }

    /** Appends {@code frames} as tags (one write call). */
    void write(List<Frame> frames, List<TrackInfo> tracks) throws IOException {
        int total = 0;
        ByteBuffer[] tags = new ByteBuffer[frames.size()];
        int n = 0;
        for (Frame f : frames) {
            boolean media = !f.isConfig() && f.kind() != MediaKind.DATA;
            if (base == Long.MIN_VALUE && media) {
                if (waitForKey && !(f.kind() == MediaKind.VIDEO && f.isKey())) {
                    skipped++; // E.4.3.1: a player can decode from a key frame only
                    continue;
                }
                base = f.dts();
            }
            if (media && f.dts() < base) {
                skipped++; // audio from before the first key frame: it would be stamped below 0
                continue;
            }
            long ts = base == Long.MIN_VALUE ? 0 : Math.max(0, f.dts() - base);
            if (media) {
                lastDts = Math.max(lastDts, f.dts());
            }
            tags[n] = FlvMedia.tag(f.retimed(ts, 0), track(tracks, f));
            total += tags[n++].remaining();
        }
        if (n == 0) {
            return;
        }
        ByteBuffer out = ByteBuffer.allocate(total);
        for (int i = 0; i < n; i++) {
            out.put(tags[i]);
        }
        write(out.flip());
    }

    private void write(ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            size += channel.write(b);
        }
    }

    /** Fills in duration and file size, syncs, closes. */
    @Override
    public void close() throws IOException {
        try {
            if (durationAt >= 0) {
                channel.write(ByteBuffer.allocate(8).putDouble(durationMillis() / 1000.0).flip(), durationAt);
                channel.write(ByteBuffer.allocate(8).putDouble(size).flip(), filesizeAt);
            }
            channel.force(true);
        } finally {
            channel.close();
        }
    }

    /** Offset in {@code tag} of the number value of ECMA array key {@code name}: UI16 length, name, type 0. */
    static int find(ByteBuffer tag, String name) {
        byte[] key = name.getBytes(StandardCharsets.US_ASCII);
        outer:
        for (int i = tag.position(); i + 2 + key.length + 1 + 8 <= tag.limit(); i++) {
            if (tag.get(i) != 0 || tag.get(i + 1) != key.length) {
                continue;
            }
            for (int j = 0; j < key.length; j++) {
                if (tag.get(i + 2 + j) != key[j]) {
                    continue outer;
                }
            }
            if (tag.get(i + 2 + key.length) == 0) { // AMF0 number marker
                return i - tag.position() + 2 + key.length + 1;
            }
        }
        throw new IllegalStateException("no " + name + " in the metadata tag");
    }

    private static TrackInfo track(List<TrackInfo> tracks, Frame f) {
        for (TrackInfo t : tracks) {
            if (t.kind() == f.kind() && t.id() == f.track()) {
                return t;
            }
        }
        return null;
    }
}
