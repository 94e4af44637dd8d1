package io.osprey.plugin.recorder;

import io.osprey.media.codec.AacConfig;
import io.osprey.media.codec.AvcConfig;
import io.osprey.media.codec.CodecException;
import io.osprey.media.codec.HevcConfig;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The RFC 6381 codecs string of an init segment's tracks, read back from their {@code stsd} boxes: what a session
 * recovered after a crash or a write error lists as its sets' MIME type in {@code index.json} (the live recording
 * knew the codecs from the stream; recovery only has the files). Unknown or unreadable entries give the sample
 * entry's four-character code, as {@link SegmentOutput#codecString} does.
 */
final class SampleEntryCodecs {

    private SampleEntryCodecs() {
    }

    /** {@code video/mp4; codecs="avc1.64001f,mp4a.40.2"} (or {@code audio/mp4} without a video track). */
    static String mime(List<InitSegment.Track> tracks) {
        List<String> codecs = new ArrayList<>();
        boolean video = false;
        for (InitSegment.Track t : tracks) {
            video |= t.video();
            codecs.add(codec(t.stsd().content()));
        }
        return (video ? "video" : "audio") + "/mp4; codecs=\"" + String.join(",", codecs) + "\"";
    }

    /** The codec string of the first sample entry of an {@code stsd} box's content. */
    static String codec(ByteBuffer stsd) {
        ByteBuffer b = stsd.duplicate();
        // ISO 14496-12 8.5.2 SampleDescriptionBox: FullBox (version 8, flags 24), entry_count 32, then entries
        if (b.remaining() < 16) {
            return "unknown";
        }
        b.position(b.position() + 8);
        long size = b.getInt() & 0xFFFFFFFFL;
        String type = fourCc(b);
        if (size < 8 || size - 8 > b.remaining()) {
            return type;
        }
        ByteBuffer entry = b.slice(b.position(), (int) (size - 8));
        // 12.1.3 VisualSampleEntry: 8 bytes SampleEntry + 70 bytes of fields; 12.2.3 AudioSampleEntry: 8 + 20
        int fields = switch (type) {
            case "avc1", "avc3", "hvc1", "hev1", "av01", "vp09" -> 78;
            case "mp4a", "Opus", ".mp3" -> 28;
            default -> -1;
        };
        if (fields < 0 || entry.remaining() < fields) {
            return type;
        }
        entry.position(fields);
        try {
            while (entry.remaining() >= 8) {
                int childSize = entry.getInt();
                String child = fourCc(entry);
                if (childSize < 8 || childSize - 8 > entry.remaining()) {
                    break;
                }
                ByteBuffer content = entry.slice(entry.position(), childSize - 8);
                entry.position(entry.position() + childSize - 8);
                switch (child) {
                    case "avcC" -> {
                        return AvcConfig.parse(content).codecString();
                    }
                    case "hvcC" -> {
                        return HevcConfig.parse(content).codecString();
                    }
                    case "esds" -> {
                        ByteBuffer asc = audioSpecificConfig(content);
                        return asc == null ? "mp4a.40.34" : AacConfig.parse(asc).codecString();
                    }
                    default -> { }
                }
            }
        } catch (CodecException | RuntimeException e) {
            return type;
        }
        return type.equals(".mp3") ? "mp4a.40.34" : type.equals("Opus") ? "opus" : type;
    }

    /**
     * ISO 14496-1 7.2.6.5 ES_Descriptor (tag 3) → 7.2.6.6 DecoderConfigDescriptor (tag 4) → 7.2.6.7
     * DecoderSpecificInfo (tag 5): the AudioSpecificConfig; null if there is none (MP3).
     */
    private static ByteBuffer audioSpecificConfig(ByteBuffer esds) {
        ByteBuffer b = esds.duplicate();
        b.position(b.position() + 4); // FullBox version and flags
        if (b.get() != 0x03) {
            return null;
        }
        length(b);
        b.position(b.position() + 2); // ES_ID
        int flags = b.get() & 0xFF;
        if ((flags & 0x80) != 0) {
            b.position(b.position() + 2); // dependsOn_ES_ID
        }
        if ((flags & 0x40) != 0) {
            b.position(b.position() + (b.get() & 0xFF)); // URL
        }
        if ((flags & 0x20) != 0) {
            b.position(b.position() + 2); // OCR_ES_Id
        }
        if (b.get() != 0x04) {
            return null;
        }
        length(b);
        b.position(b.position() + 13); // objectTypeIndication, streamType, bufferSizeDB, maxBitrate, avgBitrate
        if (!b.hasRemaining() || b.get() != 0x05) {
            return null;
        }
        int n = length(b);
        return n > b.remaining() ? null : b.slice(b.position(), n);
    }

    /** 14.3.3 expandable size: 7 bits per byte, high bit set on all but the last (at most 4 bytes). */
    private static int length(ByteBuffer b) {
        int n = 0;
        for (int i = 0; i < 4; i++) {
            int v = b.get() & 0xFF;
            n = n << 7 | v & 0x7F;
            if ((v & 0x80) == 0) {
                break;
            }
        }
        return n;
    }

    private static String fourCc(ByteBuffer b) {
        byte[] t = new byte[4];
        b.get(t);
        return new String(t, StandardCharsets.ISO_8859_1);
    }
}
