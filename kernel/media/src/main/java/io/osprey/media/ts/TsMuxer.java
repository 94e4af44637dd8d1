package io.osprey.media.ts;

import io.osprey.media.codec.AacConfig;
import io.osprey.media.codec.CodecException;
import io.osprey.spi.bus.Codec;
import io.osprey.spi.bus.Frame;
import io.osprey.spi.bus.MediaKind;
import io.osprey.spi.bus.TrackInfo;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Muxes bus frames of one video (H.264, H.265) and one audio track (AAC, MP3) into an MPEG-TS single-program
 * transport stream for HLS (ISO 13818-1; RFC 8216 3.2).
 *
 * <p>Video becomes Annex B with an access unit delimiter first and the config's parameter sets before each IDR/IRAP
 * picture; AAC is framed with ADTS; MP3 is carried as is. Timestamps are milliseconds × 90 on the 33-bit PES clock.
 * The PCR rides on the video PID (the audio PID without video) in the first packet of each of its frames (8 bytes
 * per frame), and in a PCR-only packet when a frame of the other PID comes {@value #PCR_FILL_GAP_MS} ms or more
 * after the last PCR, so that sparse video with AAC every 21-23 ms keeps PCRs under 100 ms apart (2.7.2). The PCR
 * equals the DTS (no T-STD buffering delay is modelled); players of HLS do not use it for timing.
 *
 * <p>AAC merging ({@link #mergeAudio}, off unless asked for): consecutive AAC frames share one PES packet, as
 * ffmpeg's muxer (2,930-byte PES payloads) and nginx-rtmp do. One PES per frame costs a 14-byte PES header and the
 * stuffing of its last transport packet for every 23 ms of audio: a 128 kbit/s AAC frame of ~370 bytes takes three
 * 188-byte packets, a third of them overhead, ~5 % of a 1.1 Mbit/s stream's segments. The waiting frames are written
 * when the next one would not fit, is not contiguous (a gap or a step back), or a frame of either track comes
 * {@code maxDelayMs} after the first; and by {@link #flush}, which whoever cuts segments or parts calls first. Only
 * with a video track: on an audio-only program the audio PID carries the PCR, which must not wait.
 *
 * <p>Packets are written in place into a {@link TsBuffer}; nothing is allocated per packet. One muxer serves one
 * stream and is not thread-safe. Frames of other tracks, other codecs, or with malformed payloads are skipped
 * ({@link #write} returns false); the muxer never throws on them.
 */
public final class TsMuxer {
    public static final int PMT_PID = 0x1000;
    public static final int VIDEO_PID = 0x100;
    public static final int AUDIO_PID = 0x101;
    public static final int PROGRAM_NUMBER = 1;
    /** The PCR_PID value meaning "no PCR in this program" (2.4.4.9). */
    public static final int NO_PCR_PID = 0x1FFF;
    static final long PCR_FILL_GAP_MS = 70;
    private static final long NONE = Long.MIN_VALUE;

    private final AnnexBAccessUnit accessUnit = new AnnexBAccessUnit();
    /** Working memory for {@link #write(Frame, TsBuffer)} callers that give none; made at its first use. */
    private TsScratch own;
    private final byte[] head = new byte[PesHeader.MAX_SIZE + 7];
    private final byte[] section = new byte[TsPacket.MAX_PAYLOAD];
    private TsStream video;
    private TsStream audio;
    private int patCc;
    private int pmtCc;
    private int pmtVersion;
    private long lastPcrMs = NONE;
    /** AAC merging: the PES payload limit, 0 when off; the longest a frame waits. */
    private int mergeBytes;
    private long mergeDelayMs;
    /** ADTS frames waiting for their PES, back to back, and the first one's timestamps. */
    private byte[] pending;
    private int pendingLength;
    private long pendingPts90;
    private long pendingDts90;
    private long pendingFirstMs;
    private long pendingLastMs;
    /** A gap between two AAC frames longer than this is a discontinuity: they do not share a PES. */
    static final long MERGE_GAP_MS = 100;

    /** Takes the first supported video and audio track of {@code tracks}; others are ignored. */
    public TsMuxer(List<TrackInfo> tracks) {
        for (TrackInfo t : tracks) {
            StreamType type = StreamType.of(t);
            if (type != null && type.isVideo() && video == null) {
                video = new TsStream(VIDEO_PID, t, type);
            } else if (type != null && !type.isVideo() && audio == null) {
                audio = new TsStream(AUDIO_PID, t, type);
            }
        }
    }

    /**
     * Applies a new or changed track: new parameter sets or AudioSpecificConfig are used from the next frame on.
     * Returns true if the PMT changed (a codec was added or replaced), in which case the caller should start a new
     * segment with {@link #writePatPmt}, ending the current one with a {@link #flush} (merged AAC that waits belongs
     * to it: same PID and stream id whatever the codec, and that segment's PMT declared AAC).
     */
    public boolean updateTrack(TrackInfo track) {
        StreamType type = StreamType.of(track);
        if (type == null) {
            return false;
        }
        TsStream current = type.isVideo() ? video : audio;
        if (current != null && current.type == type && current.track.id() == track.id()) {
            current.apply(track);
            return false;
        }
        TsStream next = new TsStream(type.isVideo() ? VIDEO_PID : AUDIO_PID, track, type);
        if (current != null) {
            next.cc = current.cc;
        }
        if (type.isVideo()) {
            video = next;
        } else {
            audio = next;
        }
        pmtVersion = (pmtVersion + 1) & 0x1F;
        return true;
    }

    /**
     * Carries consecutive AAC frames in one PES packet of at most {@code maxBytes} payload (ADTS headers included),
     * none waiting more than {@code maxDelayMs}; 0 bytes turns merging off (what waits still needs a {@link #flush}).
     * See the class comment; callers that cut the stream (segments, parts) must {@link #flush} first.
     *
     * @since ts 2.2
     */
    public void mergeAudio(int maxBytes, long maxDelayMs) {
        if (maxBytes < 0 || maxBytes > 0xFFFF - 19 || maxDelayMs < 0) {
            throw new IllegalArgumentException("maxBytes " + maxBytes + ", maxDelayMs " + maxDelayMs);
        }
        mergeBytes = maxBytes;
        mergeDelayMs = maxDelayMs;
        if (maxBytes > 0 && (pending == null || pending.length < maxBytes + 0x2000)) {
            byte[] larger = new byte[maxBytes + 0x2000]; // room for one more frame of the largest ADTS size
            if (pending != null) {
                System.arraycopy(pending, 0, larger, 0, pendingLength);
            }
            pending = larger;
        }
    }

    /** Whether AAC frames are waiting for {@link #flush}. @since ts 2.2 */
    public boolean hasPending() {
        return pendingLength > 0;
    }

    /**
     * Writes the AAC frames waiting to be merged, if any, as one PES packet: before a segment or part is cut, so
     * that it carries all of its audio.
     *
     * @since ts 2.2
     */
    public void flush(TsBuffer out) {
        if (pendingLength == 0) {
            return;
        }
        TsStream s = audio;
        int headLen = PesHeader.write(head, 0, s.type.pesStreamId(), pendingLength, pendingPts90, pendingDts90, false);
        int n = pendingLength;
        pendingLength = 0;
        packetize(s, headLen, ByteBuffer.wrap(pending, 0, n), false, -1, out);
    }

    /** Forgets the AAC frames waiting to be merged (their segment was abandoned). @since ts 2.2 */
    public void discardPending() {
        pendingLength = 0;
    }

    public int pcrPid() {
        return video != null ? VIDEO_PID : audio != null ? AUDIO_PID : NO_PCR_PID;
    }

    /** The PMT entries in order: video, then audio. */
    public List<ProgramMapSection.Entry> streams() {
        List<ProgramMapSection.Entry> list = new ArrayList<>(2);
        if (video != null) {
            list.add(new ProgramMapSection.Entry(video.type, VIDEO_PID));
        }
        if (audio != null) {
            list.add(new ProgramMapSection.Entry(audio.type, AUDIO_PID));
        }
        return list;
    }

    /** Writes one PAT and one PMT packet (2.4.4.3, 2.4.4.8), as every HLS segment starts with. */
    public void writePatPmt(TsBuffer out) {
        int len = new ProgramAssociationSection(1, PROGRAM_NUMBER, PMT_PID).write(section, 0);
        writeSection(out, TsPacket.PAT_PID, patCc, len);
        patCc = (patCc + 1) & 0xF;
        len = new ProgramMapSection(PROGRAM_NUMBER, pmtVersion, pcrPid(), streams()).write(section, 0);
        writeSection(out, PMT_PID, pmtCc, len);
        pmtCc = (pmtCc + 1) & 0xF;
    }

    /**
     * Writes {@code frame} as one PES packet. Returns false, writing nothing, for frames this muxer does not carry:
     * data frames, other tracks or codecs, configs (which update the track's parameter sets instead), and malformed
     * payloads.
     */
    public boolean write(Frame frame, TsBuffer out) {
        return write(frame, out, null);
    }

    /**
     * As {@link #write(Frame, TsBuffer)}, rewriting the access unit in {@code scratch}'s memory (null: this
     * muxer's own), which need not outlive the call.
     *
     * @since ts 2.1
     */
    public boolean write(Frame frame, TsBuffer out, TsScratch scratch) {
        if (scratch == null) {
            if (own == null) {
                own = new TsScratch();
            }
            scratch = own;
        }
        TsStream s = frame.kind() == MediaKind.VIDEO ? video : frame.kind() == MediaKind.AUDIO ? audio : null;
        if (s == null || frame.codec() != s.track.codec() || frame.track() != s.track.id()) {
            return false;
        }
        if (frame.isConfig()) {
            s.applyConfig(frame.payload());
            return false;
        }
        ByteBuffer payload = frame.payload();
        int headLen;
        long pts90 = frame.pts() * 90;
        long dts90 = frame.dts() * 90;
        ByteBuffer body;
        Codec codec = s.track.codec();
        if (codec == Codec.H264 || codec == Codec.H265) {
            try {
                accessUnit.convert(payload, s.nalLengthSize, codec == Codec.H265, frame.isKey(), s.parameterSets,
                        scratch);
            } catch (CodecException malformed) {
                return false;
            }
            flushIfDue(s, frame.dts(), out);
            headLen = PesHeader.write(head, 0, s.type.pesStreamId(), accessUnit.length(), pts90, dts90,
                    frame.cts() != 0);
            body = ByteBuffer.wrap(accessUnit.array(), 0, accessUnit.length());
        } else if (codec == Codec.AAC) {
            AacConfig aac = s.aac;
            if (aac == null || !aac.adtsCompatible() || payload.remaining() > 0x1FFF - 7) {
                return false;
            }
            if (mergeBytes > 0 && video != null) {
                merge(aac, payload, pts90, dts90, frame.dts(), out);
                return true;
            }
            headLen = PesHeader.write(head, 0, s.type.pesStreamId(), 7 + payload.remaining(), pts90, dts90, false);
            aac.writeAdtsHeader(ByteBuffer.wrap(head, headLen, 7), payload.remaining());
            headLen += 7;
            body = payload;
        } else {
            flushIfDue(s, frame.dts(), out);
            headLen = PesHeader.write(head, 0, s.type.pesStreamId(), payload.remaining(), pts90, dts90, false);
            body = payload;
        }
        long pcr = -1;
        long dtsMs = frame.dts();
        if (s.pid == pcrPid()) {
            // never step the PCR back, except for a jump of over a second (a timestamp discontinuity)
            if (lastPcrMs == NONE || dtsMs >= lastPcrMs || dtsMs < lastPcrMs - 1000) {
                pcr = dts90 & PesHeader.TIMESTAMP_MASK;
                lastPcrMs = dtsMs;
            }
        } else {
            fillPcrIfDue(dtsMs, dts90, out);
        }
        packetize(s, headLen, body, frame.isVideoKey(), pcr, out);
        return true;
    }

    /**
     * Writes the merged audio before a video frame that comes {@code mergeDelayMs} after its first frame. Only once
     * that frame is sure to be written (what is written here must not be dropped with a refused frame) and before
     * its PES header is made (flushing reuses the header scratch).
     */
    private void flushIfDue(TsStream s, long dtsMs, TsBuffer out) {
        if (pendingLength > 0 && s == video && dtsMs - pendingFirstMs >= mergeDelayMs) {
            flush(out);
        }
    }

    /** Adds an AAC frame to the ones waiting, writing those first if it cannot join them. */
    private void merge(AacConfig aac, ByteBuffer payload, long pts90, long dts90, long dtsMs, TsBuffer out) {
        int n = 7 + payload.remaining();
        if (pendingLength > 0 && (pendingLength + n > mergeBytes || dtsMs < pendingLastMs
                || dtsMs - pendingLastMs > MERGE_GAP_MS || dtsMs - pendingFirstMs >= mergeDelayMs)) {
            flush(out);
        }
        fillPcrIfDue(dtsMs, dts90, out); // as without merging: the clock keeps ticking
        if (pendingLength == 0) {
            pendingPts90 = pts90;
            pendingDts90 = dts90;
            pendingFirstMs = dtsMs;
        }
        aac.writeAdtsHeader(ByteBuffer.wrap(pending, pendingLength, 7), payload.remaining());
        payload.get(payload.position(), pending, pendingLength + 7, payload.remaining());
        pendingLength += n;
        pendingLastMs = dtsMs;
    }

    /**
     * A PCR-only packet when a frame of the PID that does not carry the PCR comes {@value #PCR_FILL_GAP_MS} ms or
     * more after the last PCR.
     */
    private void fillPcrIfDue(long dtsMs, long dts90, TsBuffer out) {
        if (lastPcrMs != NONE && dtsMs - lastPcrMs >= PCR_FILL_GAP_MS) {
            writePcrOnly(out, dts90 & PesHeader.TIMESTAMP_MASK);
            lastPcrMs = dtsMs;
        }
    }

    /** Splits one PES packet into transport packets, stuffing the last one through its adaptation field. */
    private void packetize(TsStream s, int headLen, ByteBuffer body, boolean randomAccess, long pcr, TsBuffer out) {
        int bodyPos = body.position();
        int total = headLen + body.remaining();
        int done = 0;
        boolean first = true;
        while (done < total) {
            int remaining = total - done;
            boolean flags = first && (randomAccess || pcr >= 0);
            int afLength = flags ? TsPacket.flagsLength(pcr >= 0) : -1; // adaptation_field_length, -1 = none
            int room = TsPacket.MAX_PAYLOAD - (afLength >= 0 ? 1 + afLength : 0);
            if (remaining < room) {
                int stuffing = room - remaining;
                afLength = afLength >= 0 ? afLength + stuffing : stuffing - 1;
                room = remaining;
            }
            int off = out.reserve(TsPacket.SIZE);
            byte[] b = out.array();
            TsPacket.header(b, off, s.pid, first, afLength >= 0 ? 0b11 : 0b01, s.cc);
            s.cc = (s.cc + 1) & 0xF;
            int p = off + 4;
            if (afLength >= 0) {
                p += TsPacket.adaptationField(b, p, afLength, first && randomAccess, first ? pcr : -1);
            }
            if (done < headLen) {
                int n = Math.min(room, headLen - done);
                System.arraycopy(head, done, b, p, n);
                p += n;
                done += n;
                room -= n;
            }
            if (room > 0) {
                body.get(bodyPos + done - headLen, b, p, room);
                done += room;
            }
            first = false;
        }
    }

    /** A packet on the PCR PID with only an adaptation field carrying the PCR; its counter does not advance. */
    private void writePcrOnly(TsBuffer out, long pcrBase) {
        TsStream s = video != null ? video : audio;
        int off = out.reserve(TsPacket.SIZE);
        byte[] b = out.array();
        // 2.4.3.3: continuity_counter shall not be incremented when adaptation_field_control is '10'
        TsPacket.header(b, off, s.pid, false, 0b10, (s.cc - 1) & 0xF);
        TsPacket.adaptationField(b, off + 4, TsPacket.MAX_PAYLOAD - 1, false, pcrBase);
    }

    /** One PSI packet: pointer_field 0, the section, then 0xFF stuffing to the end (2.4.4.1). */
    private void writeSection(TsBuffer out, int pid, int cc, int sectionLength) {
        int off = out.reserve(TsPacket.SIZE);
        byte[] b = out.array();
        TsPacket.header(b, off, pid, true, 0b01, cc);
        b[off + 4] = 0;
        System.arraycopy(section, 0, b, off + 5, sectionLength);
        java.util.Arrays.fill(b, off + 5 + sectionLength, off + TsPacket.SIZE, (byte) 0xFF);
    }
}
