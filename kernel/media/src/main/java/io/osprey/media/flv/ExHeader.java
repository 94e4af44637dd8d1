package io.osprey.media.flv;

import io.osprey.spi.bus.Codec;
import io.osprey.spi.bus.MediaKind;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/** What the Enhanced RTMP v2 ExVideoTagHeader and ExAudioTagHeader share: ModEx and multitrack. */
final class ExHeader {

    /** VideoPacketType.ModEx and AudioPacketType.ModEx. */
    static final int MOD_EX = 7;
    /** AvMultitrackType. */
    static final int ONE_TRACK = 0;
    static final int MANY_TRACKS = 1;
    static final int MANY_TRACKS_MANY_CODECS = 2;
    /** Most packets one body may produce; each track costs at least 4 bytes, this bounds the list. */
    static final int MAX_PACKETS = 256;

    /** Handles one track's data. */
    interface TrackHandler {
        void track(List<MediaPacket> out, int trackId, int fourCc, int packetType, BodyCursor data)
                throws FlvFormatException;
    }

    private ExHeader() {
    }

    /** The FourCC as a big-endian int, as it appears on the wire. */
    static int fourCc(String s) {
        return s.charAt(0) << 24 | s.charAt(1) << 16 | s.charAt(2) << 8 | s.charAt(3);
    }

    /** The codec of {@code kind} with this FourCC, or {@code null} if we do not carry it. */
    static Codec codec(int fourCc, MediaKind kind) {
        for (Codec c : Codec.values()) {
            if (c.kind() == kind && fourCc(c.fourCc()) == fourCc) {
                return c;
            }
        }
        return null;
    }

    /**
     * Skips ModEx data: "while (packetType == ModEx) { modExDataSize = UI8 + 1; if (modExDataSize == 256)
     * modExDataSize = UI16 + 1; modExData = UI8[modExDataSize]; modExType = UB[4]; packetType = UB[4] }". The
     * only ModEx type, TimestampOffsetNano, is below our millisecond time base.
     */
    static int skipModEx(BodyCursor c, int packetType) throws FlvFormatException {
        while (packetType == MOD_EX) {
            int size = c.u8() + 1;
            if (size == 256) {
                size = c.u16() + 1;
            }
            c.skip(size);
            packetType = c.u8() & 0x0F;
        }
        return packetType;
    }

    /**
     * Reads the FourCC or multitrack header after the packet type and calls {@code handler} per track:
     * "if (packetType == Multitrack) { multitrackType = UB[4]; packetType = UB[4]; if (multitrackType !=
     * ManyTracksManyCodecs) fourCc = FOURCC } else fourCc = FOURCC", then per track "[fourCc = FOURCC if
     * ManyTracksManyCodecs] trackId = UI8; [sizeOfTrack = UI24 unless OneTrack]".
     */
    static List<MediaPacket> tracks(BodyCursor c, int packetType, int multitrack, String what, TrackHandler handler)
            throws FlvFormatException {
        boolean isMultitrack = packetType == multitrack;
        int multitrackType = ONE_TRACK;
        int fourCc = 0;
        if (isMultitrack) {
            int b = c.u8();
            multitrackType = b >>> 4;
            packetType = b & 0x0F;
            if (packetType == multitrack) {
                throw new FlvFormatException(what + ": a multitrack packet type inside a multitrack body");
            }
            if (multitrackType > MANY_TRACKS_MANY_CODECS) {
                return List.of(); // unknown AvMultitrackType: we cannot tell where tracks start
            }
            if (multitrackType != MANY_TRACKS_MANY_CODECS) {
                fourCc = c.u32();
            }
        } else {
            fourCc = c.u32();
        }
        List<MediaPacket> out = new ArrayList<>(1);
        do {
            int trackId = 0;
            ByteBuffer data;
            if (isMultitrack) {
                if (multitrackType == MANY_TRACKS_MANY_CODECS) {
                    fourCc = c.u32();
                }
                trackId = c.u8();
                data = multitrackType == ONE_TRACK ? c.rest() : c.slice(c.u24());
            } else {
                data = c.rest();
            }
            handler.track(out, trackId, fourCc, packetType, new BodyCursor(data, what));
            if (out.size() > MAX_PACKETS) {
                throw new FlvFormatException(what + ": more than " + MAX_PACKETS + " tracks in one body");
            }
        } while (isMultitrack && multitrackType != ONE_TRACK && c.hasRemaining());
        return out;
    }
}
