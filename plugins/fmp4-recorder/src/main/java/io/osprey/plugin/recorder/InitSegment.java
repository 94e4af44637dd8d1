package io.osprey.plugin.recorder;

import io.osprey.media.mp4.Mp4BoxReader;
import io.osprey.media.mp4.Mp4FormatException;
import io.osprey.media.mp4.RawBox;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.ArrayList;
import java.util.List;

/**
 * What the merge needs from an fMP4 init segment (ISO 14496-12 8.2-8.5): per {@code trak} the track_ID and size
 * ({@code tkhd}), timescale ({@code mdhd}), handler ({@code hdlr}) and the {@code stsd} bytes, copied verbatim into
 * the progressive file. Every read is bounded by the box it is in; anything else is a {@link Mp4FormatException}.
 */
record InitSegment(List<Track> tracks) {

    /** One track of the init segment. */
    record Track(int trackId, boolean video, long timescale, int width, int height, RawBox stsd) {
    }

    private static final int MAX_LEAF = 1 << 16;
    private static final int MAX_TRACKS = 16;

    static InitSegment read(FileChannel ch) throws IOException {
        return read(Mp4BoxReader.of(ch));
    }

    static InitSegment read(Mp4BoxReader top) throws IOException {
        List<Track> tracks = new ArrayList<>();
        Mp4BoxReader.Header h;
        while ((h = top.next()) != null) {
            if (!h.type().equals("moov")) {
                continue;
            }
            Mp4BoxReader moov = top.children(h);
            Mp4BoxReader.Header t;
            while ((t = moov.next()) != null) {
                if (t.type().equals("trak")) {
                    if (tracks.size() == MAX_TRACKS) {
                        throw new Mp4FormatException("more than " + MAX_TRACKS + " tracks", t.offset());
                    }
                    tracks.add(trak(moov, t));
                }
            }
            break;
        }
        if (tracks.isEmpty()) {
            throw new Mp4FormatException("init segment without moov/trak", 0);
        }
        return new InitSegment(List.copyOf(tracks));
    }

    private static Track trak(Mp4BoxReader moov, Mp4BoxReader.Header trak) throws IOException {
        Mp4BoxReader r = moov.children(trak);
        int trackId = -1;
        int width = 0;
        int height = 0;
        long timescale = 0;
        String handler = null;
        RawBox stsd = null;
        Mp4BoxReader.Header h;
        while ((h = r.next()) != null) {
            if (h.type().equals("tkhd")) {
                ByteBuffer b = r.content(h, MAX_LEAF);
                // 8.3.2 tkhd: version 8, flags 24, creation/modification 32 or 64 each, track_ID 32, ...,
                // width 32 and height 32 (16.16) last
                int version = need(b, 4, h).get(0) & 0xFF;
                int idAt = version == 1 ? 20 : 12;
                need(b, Math.max(idAt + 4, 8), h);
                trackId = b.getInt(idAt);
                if (b.remaining() >= 84) {
                    width = b.getInt(b.limit() - 8) >>> 16;
                    height = b.getInt(b.limit() - 4) >>> 16;
                }
            } else if (h.type().equals("mdia")) {
                Mp4BoxReader mdia = r.children(h);
                Mp4BoxReader.Header m;
                while ((m = mdia.next()) != null) {
                    switch (m.type()) {
                        case "mdhd" -> {
                            // 8.4.2 mdhd: version 8, flags 24, creation/modification 32 or 64, timescale 32
                            ByteBuffer b = mdia.content(m, MAX_LEAF);
                            int version = need(b, 4, m).get(0) & 0xFF;
                            int at = version == 1 ? 20 : 12;
                            timescale = need(b, at + 4, m).getInt(at) & 0xFFFFFFFFL;
                        }
                        case "hdlr" -> {
                            // 8.4.3 hdlr: version/flags 32, pre_defined 32, handler_type 32
                            ByteBuffer b = need(mdia.content(m, MAX_LEAF), 12, m);
                            handler = new String(new byte[] {b.get(8), b.get(9), b.get(10), b.get(11)},
                                    java.nio.charset.StandardCharsets.ISO_8859_1);
                        }
                        case "minf" -> stsd = stsd(mdia, m);
                        default -> { }
                    }
                }
            }
        }
        if (trackId <= 0 || timescale == 0 || timescale > Integer.MAX_VALUE || stsd == null
                || !("vide".equals(handler) || "soun".equals(handler))) {
            throw new Mp4FormatException("trak without a usable tkhd, mdhd, hdlr (vide/soun) or stsd",
                    trak.offset());
        }
        return new Track(trackId, handler.equals("vide"), timescale, width, height, stsd);
    }

    private static RawBox stsd(Mp4BoxReader mdia, Mp4BoxReader.Header minf) throws IOException {
        Mp4BoxReader r = mdia.children(minf);
        Mp4BoxReader.Header h;
        while ((h = r.next()) != null) {
            if (h.type().equals("stbl")) {
                Mp4BoxReader stbl = r.children(h);
                Mp4BoxReader.Header s;
                while ((s = stbl.next()) != null) {
                    if (s.type().equals("stsd")) {
                        return new RawBox("stsd", need(stbl.content(s, MAX_LEAF), 8, s));
                    }
                }
            }
        }
        return null;
    }

    private static ByteBuffer need(ByteBuffer b, int n, Mp4BoxReader.Header h) throws Mp4FormatException {
        if (b.remaining() < n) {
            throw new Mp4FormatException(h.type() + " too short", h.offset());
        }
        return b;
    }
}
