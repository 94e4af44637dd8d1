package io.osprey.plugin.hls;

import io.osprey.media.mp4.Mp4BoxReader;
import io.osprey.media.ts.TsFormatException;
import io.osprey.media.ts.TsReader;
import io.osprey.media.ts.TsMuxer;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/** Parses what the packager made, strictly, for assertions: TS with TsReader, fMP4 with Mp4BoxReader. */
final class MediaCheck {

    /** One track run of a movie fragment. */
    record Run(int trackId, long baseDecodeTime, int[] durations, int[] sizes, int[] flags) {
        long end() {
            long e = baseDecodeTime;
            for (int d : durations) {
                e += d;
            }
            return e;
        }

        boolean firstIsSync() {
            // ISO 14496-12 8.8.3.1: sample_is_non_sync_sample is bit 16 of sample_flags
            return flags == null || (flags[0] & 0x10000) == 0;
        }
    }

    private MediaCheck() {
    }

    /** A whole TS segment; throws on any sync, continuity, length or CRC error. */
    static TsReader.Result ts(ByteBuffer segment) throws TsFormatException {
        return TsReader.read(segment);
    }

    /** The video PES packets of a TS result. */
    static List<TsReader.Pes> video(TsReader.Result r) {
        return r.pes().stream().filter(p -> p.pid() == TsMuxer.VIDEO_PID).toList();
    }

    static List<TsReader.Pes> audio(TsReader.Result r) {
        return r.pes().stream().filter(p -> p.pid() == TsMuxer.AUDIO_PID).toList();
    }

    private static final int[] ADTS_RATES = {96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000, 12000,
        11025, 8000, 7350};

    /**
     * The PTS (90 kHz) of every AAC frame in the audio PES packets: a PES carries one or more whole ADTS frames
     * (merged), the first at the PES's PTS and each next one 1,024 samples later. Throws on a PES that is not
     * whole ADTS frames.
     */
    static List<Long> aacFramePts(TsReader.Result r) throws TsFormatException {
        List<Long> pts = new ArrayList<>();
        for (TsReader.Pes p : audio(r)) {
            byte[] b = p.payload();
            int at = 0;
            int i = 0;
            while (at < b.length) {
                if (at + 7 > b.length || (b[at] & 0xFF) != 0xFF || (b[at + 1] & 0xF0) != 0xF0) {
                    throw new TsFormatException("no ADTS frame at " + at + " of an audio PES");
                }
                int rate = ADTS_RATES[(b[at + 2] >> 2) & 0xF];
                int len = (b[at + 3] & 0x03) << 11 | (b[at + 4] & 0xFF) << 3 | (b[at + 5] & 0xE0) >> 5;
                if (len < 7 || at + len > b.length) {
                    throw new TsFormatException("ADTS frame of " + len + " bytes at " + at);
                }
                pts.add(p.pts() + i * 1024L * 90_000 / rate);
                at += len;
                i++;
            }
        }
        return pts;
    }

    /** Every top-level box of an fMP4 segment, which must be whole moof/mdat pairs; their track runs. */
    static List<Run> fmp4(ByteBuffer segment) throws IOException {
        List<Run> runs = new ArrayList<>();
        Mp4BoxReader top = Mp4BoxReader.of(segment);
        Mp4BoxReader.Header h;
        boolean expectMdat = false;
        long mdatExpected = 0;
        while ((h = top.next()) != null) {
            if (h.type().equals("moof")) {
                if (expectMdat) {
                    throw new IOException("moof without mdat");
                }
                expectMdat = true;
                Mp4BoxReader moof = top.children(h);
                Mp4BoxReader.Header c;
                mdatExpected = 0;
                while ((c = moof.next()) != null) {
                    if (c.type().equals("traf")) {
                        Run r = traf(moof, c);
                        runs.add(r);
                        for (int s : r.sizes()) {
                            mdatExpected += s;
                        }
                    }
                }
            } else if (h.type().equals("mdat")) {
                if (!expectMdat || h.contentSize() != mdatExpected) {
                    throw new IOException("mdat of " + h.contentSize() + " bytes, samples need " + mdatExpected);
                }
                expectMdat = false;
            } else {
                throw new IOException("unexpected box " + h.type());
            }
        }
        if (expectMdat) {
            throw new IOException("moof without mdat at the end");
        }
        return runs;
    }

    private static Run traf(Mp4BoxReader parent, Mp4BoxReader.Header traf) throws IOException {
        Mp4BoxReader r = parent.children(traf);
        Mp4BoxReader.Header c;
        int trackId = -1;
        long base = -1;
        int[] durations = null;
        int[] sizes = null;
        int[] flags = null;
        while ((c = r.next()) != null) {
            ByteBuffer b = r.content(c, 1 << 24);
            switch (c.type()) {
                case "tfhd" -> trackId = b.getInt(4);
                case "tfdt" -> base = b.get(0) == 1 ? b.getLong(4) : b.getInt(4) & 0xFFFFFFFFL;
                case "trun" -> {
                    int tf = b.getInt(0) & 0xFFFFFF;
                    int n = b.getInt(4);
                    int p = 8 + ((tf & 1) != 0 ? 4 : 0) + ((tf & 4) != 0 ? 4 : 0);
                    durations = new int[n];
                    sizes = new int[n];
                    flags = (tf & 0x400) != 0 ? new int[n] : null;
                    for (int i = 0; i < n; i++) {
                        if ((tf & 0x100) != 0) {
                            durations[i] = b.getInt(p);
                            p += 4;
                        }
                        if ((tf & 0x200) != 0) {
                            sizes[i] = b.getInt(p);
                            p += 4;
                        }
                        if ((tf & 0x400) != 0) {
                            flags[i] = b.getInt(p);
                            p += 4;
                        }
                        if ((tf & 0x800) != 0) {
                            p += 4;
                        }
                    }
                }
                default -> {
                }
            }
        }
        if (trackId < 0 || base < 0 || durations == null) {
            throw new IOException("traf without tfhd/tfdt/trun");
        }
        return new Run(trackId, base, durations, sizes, flags);
    }

    /** Walks an init section: ftyp then moov with mvex. */
    static void init(ByteBuffer init) throws IOException {
        Mp4BoxReader top = Mp4BoxReader.of(init);
        Mp4BoxReader.Header ftyp = top.next();
        Mp4BoxReader.Header moov = top.next();
        if (ftyp == null || !ftyp.type().equals("ftyp") || moov == null || !moov.type().equals("moov")
                || top.next() != null) {
            throw new IOException("init is not ftyp + moov");
        }
        boolean mvex = false;
        Mp4BoxReader m = top.children(moov);
        Mp4BoxReader.Header c;
        while ((c = m.next()) != null) {
            mvex |= c.type().equals("mvex");
        }
        if (!mvex) {
            throw new IOException("moov without mvex");
        }
    }

    static ByteBuffer concat(List<ByteBuffer> parts) {
        int n = 0;
        for (ByteBuffer p : parts) {
            n += p.remaining();
        }
        ByteBuffer out = ByteBuffer.allocate(n);
        for (ByteBuffer p : parts) {
            out.put(p.duplicate());
        }
        return out.flip();
    }
}
