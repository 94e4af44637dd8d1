package io.osprey.bench.flv;

import io.osprey.media.flv.FlvFormatException;
import io.osprey.media.flv.FlvReader;
import io.osprey.media.flv.FlvTag;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * An FLV file loaded once into memory and shared by every publisher: its tags in order, with the ones that only
 * belong at the start of a stream (metadata, sequence headers) marked so that a publisher looping the file sends
 * them once.
 */
public final class FlvSource {

    /** One tag: type, timestamp in ms, body, and whether it is a start-only tag (metadata or sequence header). */
    public record Tag(int type, long timestamp, byte[] body, boolean startOnly) {
    }

    private final Path file;
    private final List<Tag> tags;
    private final long durationMs;
    private final long mediaBytes;

    private FlvSource(Path file, List<Tag> tags) {
        this.file = file;
        this.tags = List.copyOf(tags);
        long last = 0;
        long bytes = 0;
        for (Tag t : tags) {
            last = Math.max(last, t.timestamp);
            bytes += t.body.length;
        }
        this.durationMs = last + 40; // one frame interval past the last tag, so loops do not overlap
        this.mediaBytes = bytes;
    }

    public static FlvSource load(Path file) throws IOException {
        List<Tag> tags = new ArrayList<>();
        FlvReader reader = new FlvReader(8 << 20, new FlvReader.Listener() {
            @Override
            public void onHeader(boolean audio, boolean video) {
            }

            @Override
            public void onTag(FlvTag tag) {
                byte[] body = new byte[tag.size()];
                tag.body().duplicate().get(body);
                tags.add(new Tag(tag.type(), tag.timestamp(), body, startOnly(tag.type(), body)));
            }
        });
        try {
            reader.feed(ByteBuffer.wrap(Files.readAllBytes(file)));
        } catch (FlvFormatException e) {
            throw new IOException(file + ": " + e.getMessage(), e);
        }
        if (tags.isEmpty()) {
            throw new IOException(file + ": no FLV tags");
        }
        return new FlvSource(file, tags);
    }

    /** Script data, AVC/HEVC sequence headers (AVCPacketType 0) and AAC sequence headers (AACPacketType 0). */
    static boolean startOnly(int type, byte[] b) {
        if (type == FlvTag.SCRIPT) {
            return true;
        }
        if (type == FlvTag.VIDEO && b.length >= 2) {
            int codec = b[0] & 0x0F;
            return (codec == 7 || codec == 12) && b[1] == 0;
        }
        if (type == FlvTag.AUDIO && b.length >= 2) {
            return (b[0] & 0xF0) == 0xA0 && b[1] == 0;
        }
        return false;
    }

    public Path file() {
        return file;
    }

    public List<Tag> tags() {
        return tags;
    }

    public long durationMs() {
        return durationMs;
    }

    /** The source's average bit rate (all tag bodies) in bits per second. */
    public double bitsPerSecond() {
        return mediaBytes * 8000.0 / durationMs;
    }
}
