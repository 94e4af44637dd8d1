package io.osprey.plugin.httpflv;

import io.osprey.media.amf0.Amf0EcmaArray;
import io.osprey.spi.bus.Codec;
import io.osprey.spi.bus.MediaKind;
import io.osprey.spi.bus.TrackInfo;
import java.util.List;
import java.util.Map;

/**
 * The {@code onMetaData} of every FLV this plugin writes, live (HTTP-FLV and WebSocket-FLV viewers) and recorded:
 * one builder, so that both describe a stream's tracks the same way (the E.5 onMetaData property names players
 * read). Stateless.
 */
public final class OnMetaData {

    private OnMetaData() {
    }

    /**
     * For a live viewer: what the publisher sent (less {@code duration} and {@code filesize}, which describe a file,
     * not a live stream), then the tracks' size, frame rate, sample rate and channels, and {@code server}.
     */
    public static Amf0EcmaArray live(Map<String, Object> published, List<TrackInfo> tracks) {
        Amf0EcmaArray md = new Amf0EcmaArray(published);
        md.remove("duration");
        md.remove("filesize");
        putTracks(md, tracks, false);
        md.put("server", "Osprey");
        return md;
    }

    /**
     * For a recording: {@code duration} and {@code filesize} first, as 0 (reserved: the writer patches them in place
     * when the file is closed), the tracks' facts with their E.4 codec ids, the publisher's {@code encoder}, and
     * {@code server}.
     */
    public static Amf0EcmaArray file(Map<String, Object> published, List<TrackInfo> tracks) {
        Amf0EcmaArray md = new Amf0EcmaArray();
        md.put("duration", 0.0);
        md.put("filesize", 0.0);
        putTracks(md, tracks, true);
        if (published.get("encoder") instanceof String s) {
            md.put("encoder", s);
        }
        md.put("server", "Osprey");
        return md;
    }

    private static void putTracks(Amf0EcmaArray md, List<TrackInfo> tracks, boolean codecIds) {
        for (TrackInfo t : tracks) {
            if (t.kind() == MediaKind.VIDEO && t.id() == 0) {
                if (t.width() > 0) {
                    md.put("width", (double) t.width());
                    md.put("height", (double) t.height());
                }
                if (t.frameRate() > 0) {
                    md.put("framerate", t.frameRate());
                }
                if (codecIds && t.codec() == Codec.H264) {
                    md.put("videocodecid", 7.0); // E.4.3.1 CodecID 7 = AVC
                }
            } else if (t.kind() == MediaKind.AUDIO && t.id() == 0) {
                if (t.sampleRate() > 0) {
                    md.put("audiosamplerate", (double) t.sampleRate());
                    md.put("stereo", t.channels() > 1);
                }
                if (codecIds && t.codec() == Codec.AAC) {
                    md.put("audiocodecid", 10.0); // E.4.2.1 SoundFormat 10 = AAC
                } else if (codecIds && t.codec() == Codec.MP3) {
                    md.put("audiocodecid", 2.0);
                }
            }
        }
    }
}
