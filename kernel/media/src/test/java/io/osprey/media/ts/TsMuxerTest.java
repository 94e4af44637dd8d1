package io.osprey.media.ts;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.osprey.media.codec.AacConfig;
import io.osprey.media.codec.Hex;
import io.osprey.spi.bus.Codec;
import io.osprey.spi.bus.Frame;
import io.osprey.spi.bus.TrackInfo;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Write-then-read round trips through {@link TsReader}: timestamps, payloads, counters, PCR and stuffing. */
class TsMuxerTest {
    static final String AVCC = "0142c01fffe1000f6742c01f8c6805005bb0101e1108d401000468ce3c80";
    static final String SPS_PPS_ANNEX_B = "00000001 6742c01f8c6805005bb0101e1108d4 00000001 68ce3c80";
    static final TrackInfo VIDEO = TrackInfo.video(0, Codec.H264, Hex.buf(AVCC), 1280, 720, 30);
    static final TrackInfo AUDIO = TrackInfo.audio(0, Codec.AAC, AacConfig.build(2, 44100, 2), 44100, 2);

    /** A length-prefixed access unit of the given NAL units. */
    static ByteBuffer avcc(byte[]... nals) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] n : nals) {
            out.writeBytes(ByteBuffer.allocate(4).putInt(n.length).array());
            out.writeBytes(n);
        }
        return ByteBuffer.wrap(out.toByteArray());
    }

    static byte[] nal(int header, int size, int seed) {
        byte[] b = new byte[size];
        b[0] = (byte) header;
        for (int i = 1; i < size; i++) {
            b[i] = (byte) (seed + i * 31 | 1); // never 0, so no start code emulation
        }
        return b;
    }

    @Test
    void videoAndAudioRoundTrip() throws Exception {
        TsMuxer muxer = new TsMuxer(List.of(VIDEO, AUDIO));
        TsBuffer out = new TsBuffer(1024);
        muxer.writePatPmt(out);
        byte[] idr = nal(0x65, 30_000, 1);
        byte[] sei = nal(0x06, 20, 2);
        byte[] p1 = nal(0x41, 183, 3);
        assertTrue(muxer.write(Frame.media(0, Codec.H264, 1000, 66, true, avcc(sei, idr)), out));
        assertTrue(muxer.write(Frame.media(0, Codec.AAC, 1005, 0, true, ByteBuffer.wrap(nal(0x21, 300, 4))), out));
        assertTrue(muxer.write(Frame.media(0, Codec.H264, 1033, 0, false, avcc(p1)), out));

        TsReader.Result r = TsReader.read(out.view());
        assertEquals(TsMuxer.PMT_PID, r.pmtPid());
        assertEquals(TsMuxer.VIDEO_PID, r.pcrPid());
        assertEquals(0x1B, r.streamTypes().get(TsMuxer.VIDEO_PID));
        assertEquals(0x0F, r.streamTypes().get(TsMuxer.AUDIO_PID));
        assertEquals(3, r.pes().size());

        TsReader.Pes key = r.pes().get(0);
        assertEquals(0xE0, key.streamId());
        assertEquals(1066 * 90, key.pts());
        assertEquals(1000 * 90, key.dts());
        assertTrue(key.randomAccess());
        assertEquals(1000 * 90, key.pcr());
        // AUD, the config's SPS and PPS, then the access unit's own NAL units, all after 4-byte start codes
        assertEquals("0000000109f0" + SPS_PPS_ANNEX_B.replace(" ", "") + "00000001" + Hex.of(sei) + "00000001"
                + Hex.of(idr), Hex.of(key.payload()));

        TsReader.Pes audio = r.pes().get(1);
        assertEquals(0xC0, audio.streamId());
        assertEquals(1005 * 90, audio.pts());
        assertEquals(audio.pts(), audio.dts());
        assertEquals(Hex.of(AacConfig.parse(AUDIO.config()).adtsHeader(300)) + Hex.of(nal(0x21, 300, 4)),
                Hex.of(audio.payload()));

        TsReader.Pes p = r.pes().get(2);
        assertFalse(p.randomAccess());
        assertEquals(1033 * 90, p.pts());
        assertEquals("0000000109f0" + "00000001" + Hex.of(p1), Hex.of(p.payload()));
    }

    @Test
    void everyPayloadLengthAroundPacketBoundariesIsStuffedExactly() throws Exception {
        TrackInfo mp3 = TrackInfo.audio(0, Codec.MP3, null, 44100, 2);
        TsMuxer muxer = new TsMuxer(List.of(mp3));
        TsBuffer out = new TsBuffer(1024);
        muxer.writePatPmt(out);
        List<byte[]> sent = new ArrayList<>();
        for (int len = 0; len < 600; len++) {
            byte[] b = nal(0xFF, Math.max(len, 1), len);
            byte[] payload = len == 0 ? new byte[0] : b;
            sent.add(payload);
            assertTrue(muxer.write(Frame.media(0, Codec.MP3, len * 26L, 0, true, ByteBuffer.wrap(payload)), out));
        }
        assertEquals(0, out.size() % 188);
        TsReader.Result r = TsReader.read(out.view());
        assertEquals(0x03, r.streamTypes().get(TsMuxer.AUDIO_PID));
        assertEquals(TsMuxer.AUDIO_PID, r.pcrPid());
        assertEquals(sent.size(), r.pes().size());
        for (int i = 0; i < sent.size(); i++) {
            assertArrayEquals(sent.get(i), r.pes().get(i).payload(), "frame " + i);
            assertEquals(i * 26L * 90, r.pes().get(i).pts());
        }
    }

    @Test
    void pcrGapsStayWithin100MsEvenWithSparseVideo() throws Exception {
        TsMuxer muxer = new TsMuxer(List.of(VIDEO, AUDIO));
        TsBuffer out = new TsBuffer(1024);
        muxer.writePatPmt(out);
        // 2 fps video, audio every 23 ms: PCR-only packets must fill the gaps on the video PID
        for (long t = 0; t < 3000; t++) {
            if (t % 500 == 0) {
                muxer.write(Frame.media(0, Codec.H264, t, 0, t % 1000 == 0, avcc(nal(t % 1000 == 0 ? 0x65 : 0x41,
                        50, (int) t))), out);
            }
            if (t % 23 == 0) {
                muxer.write(Frame.media(0, Codec.AAC, t, 0, true, ByteBuffer.wrap(nal(0x21, 10, 1))), out);
            }
        }
        TsReader.Result r = TsReader.read(out.view());
        List<Long> pcrs = r.pcrs();
        assertTrue(pcrs.size() >= 30);
        for (int i = 1; i < pcrs.size(); i++) {
            long gap = pcrs.get(i) - pcrs.get(i - 1);
            assertTrue(gap >= 0 && gap <= 100 * 90, "PCR gap " + gap + " at " + i);
        }
    }

    @Test
    void configChangesUpdateTheInsertedParameterSets() throws Exception {
        TsMuxer muxer = new TsMuxer(List.of(VIDEO));
        TsBuffer out = new TsBuffer(1024);
        String avcc2 = "0142c01effe10004 6742c01e 010004 68ce3c81";
        assertFalse(muxer.updateTrack(TrackInfo.video(0, Codec.H264, Hex.buf(avcc2), 640, 360, 25)));
        muxer.writePatPmt(out);
        muxer.write(Frame.media(0, Codec.H264, 0, 0, true, avcc(nal(0x65, 10, 1))), out);
        // a config frame on the bus does the same
        muxer.write(Frame.config(0, Codec.H264, 40, Hex.buf(AVCC)), out);
        muxer.write(Frame.media(0, Codec.H264, 40, 0, true, avcc(nal(0x65, 10, 1))), out);
        // an access unit with its own SPS gets no second copy
        muxer.write(Frame.media(0, Codec.H264, 80, 0, true, avcc(Hex.bytes("6742c01e"), nal(0x65, 10, 1))), out);
        List<TsReader.Pes> pes = TsReader.read(out.view()).pes();
        assertTrue(Hex.of(pes.get(0).payload()).startsWith("0000000109f0000000016742c01e0000000168ce3c81"));
        assertTrue(Hex.of(pes.get(1).payload()).startsWith("0000000109f0" + SPS_PPS_ANNEX_B.replace(" ", "")));
        assertEquals("0000000109f0000000016742c01e00000001" + Hex.of(nal(0x65, 10, 1)), Hex.of(pes.get(2).payload()));
    }

    @Test
    void codecChangeBumpsThePmtVersion() throws Exception {
        TsMuxer muxer = new TsMuxer(List.of(VIDEO));
        TrackInfo hevc = TrackInfo.video(0, Codec.H265, null, 1280, 720, 30);
        assertTrue(muxer.updateTrack(hevc));
        assertTrue(muxer.updateTrack(AUDIO));
        TsBuffer out = new TsBuffer(1024);
        muxer.writePatPmt(out);
        assertEquals(0x24, TsReader.read(out.view()).streamTypes().get(TsMuxer.VIDEO_PID));
        assertEquals(2, out.array()[188 + 10] >> 1 & 0x1F); // version_number 2 in the PMT
        // an H.264 frame no longer belongs to the video stream
        assertFalse(muxer.write(Frame.media(0, Codec.H264, 0, 0, true, avcc(nal(0x65, 10, 1))), out));
        assertTrue(muxer.write(Frame.media(0, Codec.H265, 0, 0, true, avcc(nal(0x26, 10, 1))), out));
        TsReader.Pes p = TsReader.read(out.view()).pes().get(0);
        assertTrue(Hex.of(p.payload()).startsWith("00000001460150")); // HEVC AUD
    }

    @Test
    void malformedAndForeignFramesWriteNothing() {
        TsMuxer muxer = new TsMuxer(List.of(VIDEO, TrackInfo.audio(0, Codec.AAC, null, 44100, 2)));
        TsBuffer out = new TsBuffer(1024);
        assertFalse(muxer.write(Frame.media(0, Codec.H264, 0, 0, true, Hex.buf("00000009 6501")), out));
        assertFalse(muxer.write(Frame.media(1, Codec.H264, 0, 0, true, avcc(nal(0x65, 10, 1))), out));
        assertFalse(muxer.write(Frame.media(0, Codec.AAC, 0, 0, true, Hex.buf("21")), out)); // no ASC yet
        assertFalse(muxer.write(Frame.data(0, Hex.buf("02")), out));
        assertEquals(0, out.size());
    }

    @Test
    void timestampsWrapAt33BitsAndStayParseable() throws Exception {
        TsMuxer muxer = new TsMuxer(List.of(VIDEO));
        TsBuffer out = new TsBuffer(1024);
        muxer.writePatPmt(out);
        long wrapMs = (1L << 33) / 90; // 95443717 ms, about 26.5 hours
        muxer.write(Frame.media(0, Codec.H264, wrapMs + 10, 40, true, avcc(nal(0x65, 10, 1))), out);
        TsReader.Pes p = TsReader.read(out.view()).pes().get(0);
        assertEquals(((wrapMs + 10) * 90) & ((1L << 33) - 1), p.dts());
        assertEquals(((wrapMs + 50) * 90) & ((1L << 33) - 1), p.pts());
    }

    @Test
    void segmentWriterStartsWithPatPmtAndKeepsSlicesValid() throws Exception {
        TsSegmentWriter w = new TsSegmentWriter(new TsMuxer(List.of(VIDEO, AUDIO)));
        w.add(Frame.media(0, Codec.H264, 0, 0, true, avcc(nal(0x65, 5000, 1))));
        ByteBuffer part = w.slice(0, w.size()).bytes();
        for (int i = 1; i < 200; i++) {
            w.add(Frame.media(0, Codec.H264, i * 33L, 0, false, avcc(nal(0x41, 5000, i))));
        }
        assertEquals(200, w.frames());
        assertEquals(199 * 33, w.lastDts());
        ByteBuffer segment = w.finish().bytes();
        assertEquals(part, segment.duplicate().limit(part.remaining()));
        assertTrue(segment.isReadOnly());
        assertTrue(segment.isDirect() && part.isDirect(), "off the heap: a segment lives its whole duration");
        assertTrue(segment.remaining() > 288 * 1024, "outgrew the first buffer (256 KiB + 1/8)");
        assertEquals(200, TsReader.read(segment).pes().size());
        // the next segment continues the counters and starts with PAT/PMT again
        w.add(Frame.media(0, Codec.H264, 200 * 33L, 0, true, avcc(nal(0x65, 10, 1))));
        ByteBuffer next = w.finish().bytes();
        assertEquals(0x47, next.get(0));
        assertEquals(0, next.get(2)); // PID 0: the PAT
    }

    /** The ADTS frames of a PES payload, split by their aac_frame_length. */
    static List<byte[]> adtsFrames(byte[] pes) {
        List<byte[]> frames = new ArrayList<>();
        int at = 0;
        while (at < pes.length) {
            assertEquals(0xFF, pes[at] & 0xFF, "ADTS sync at " + at);
            assertEquals(0xF0, pes[at + 1] & 0xF0, "ADTS sync at " + at);
            int len = (pes[at + 3] & 0x03) << 11 | (pes[at + 4] & 0xFF) << 3 | (pes[at + 5] & 0xE0) >> 5;
            frames.add(java.util.Arrays.copyOfRange(pes, at + 7, at + len));
            at += len;
        }
        assertEquals(pes.length, at, "whole ADTS frames");
        return frames;
    }

    /** 25 fps video and 44.1 kHz AAC (one frame per 1024 samples, ~23.2 ms) for {@code ms}, in DTS order. */
    static List<Frame> avStream(long ms, int audioBytes) {
        List<Frame> frames = new ArrayList<>();
        int v = 0;
        int a = 0;
        while (true) {
            long vt = v * 40L;
            long at = a * 1024L * 1000 / 44100;
            if (vt >= ms && at >= ms) {
                return frames;
            }
            if (vt <= at) {
                frames.add(Frame.media(0, Codec.H264, vt, 0, v % 50 == 0, avcc(nal(v % 50 == 0 ? 0x65 : 0x41,
                        3000, v))));
                v++;
            } else {
                frames.add(Frame.media(0, Codec.AAC, at, 0, true, ByteBuffer.wrap(nal(0x21, audioBytes + a % 7, a))));
                a++;
            }
        }
    }

    @Test
    void mergedAacFramesShareAPesAndComeOutWholeAndInOrder() throws Exception {
        List<Frame> stream = avStream(4000, 370);
        TsBuffer plain = new TsBuffer(1024);
        TsBuffer merged = new TsBuffer(1024);
        TsMuxer one = new TsMuxer(List.of(VIDEO, AUDIO));
        TsMuxer many = new TsMuxer(List.of(VIDEO, AUDIO));
        many.mergeAudio(2930, 300);
        one.writePatPmt(plain);
        many.writePatPmt(merged);
        for (Frame f : stream) {
            assertTrue(one.write(f, plain));
            assertTrue(many.write(f, merged));
        }
        assertTrue(many.hasPending(), "the last frames wait for a flush");
        many.flush(merged);
        assertFalse(many.hasPending());

        List<TsReader.Pes> a1 = audioPes(TsReader.read(plain.view()));
        List<TsReader.Pes> a2 = audioPes(TsReader.read(merged.view()));
        List<byte[]> sent = new ArrayList<>();
        for (TsReader.Pes p : a1) {
            sent.addAll(adtsFrames(p.payload()));
        }
        List<byte[]> got = new ArrayList<>();
        long expectedPts = 0;
        int index = 0;
        for (TsReader.Pes p : a2) {
            assertTrue(p.payload().length <= 2930, "PES payload " + p.payload().length);
            assertEquals(a1.get(index).pts(), p.pts(), "a PES has its first frame's PTS");
            List<byte[]> fs = adtsFrames(p.payload());
            index += fs.size();
            got.addAll(fs);
        }
        assertEquals(sent.size(), got.size());
        for (int i = 0; i < sent.size(); i++) {
            assertArrayEquals(sent.get(i), got.get(i), "frame " + i);
        }
        assertTrue(a2.size() * 5 < a1.size(), a2.size() + " PES for " + a1.size() + " frames");
        // the point of it: ~5 % fewer bytes for this 1.1 Mbit/s-like mix
        assertTrue(merged.size() < plain.size() * 0.97, merged.size() + " vs " + plain.size());
        // video is untouched
        assertEquals(videoPayloads(TsReader.read(plain.view())), videoPayloads(TsReader.read(merged.view())));
        assertEquals(expectedPts, a2.get(0).pts());
    }

    @Test
    void mergingStopsAtGapsAndAtTheDelayAndNotForAudioOnlyPrograms() throws Exception {
        TsMuxer m = new TsMuxer(List.of(VIDEO, AUDIO));
        m.mergeAudio(2930, 300);
        TsBuffer out = new TsBuffer(1024);
        m.writePatPmt(out);
        m.write(Frame.media(0, Codec.H264, 0, 0, true, avcc(nal(0x65, 100, 1))), out);
        m.write(Frame.media(0, Codec.AAC, 0, 0, true, ByteBuffer.wrap(nal(0x21, 20, 1))), out);
        m.write(Frame.media(0, Codec.AAC, 23, 0, true, ByteBuffer.wrap(nal(0x21, 20, 2))), out);
        // a gap over 100 ms: a new PES with its own timestamp
        m.write(Frame.media(0, Codec.AAC, 500, 0, true, ByteBuffer.wrap(nal(0x21, 20, 3))), out);
        m.write(Frame.media(0, Codec.AAC, 523, 0, true, ByteBuffer.wrap(nal(0x21, 20, 4))), out);
        // video 300 ms after the first waiting frame: the audio goes out before it
        m.write(Frame.media(0, Codec.H264, 800, 0, false, avcc(nal(0x41, 100, 2))), out);
        m.flush(out);
        TsReader.Result r = TsReader.read(out.view());
        List<Long> order = new ArrayList<>();
        for (TsReader.Pes p : r.pes()) {
            order.add(p.pid() == TsMuxer.AUDIO_PID ? p.pts() / 90 : -p.pts() / 90 - 1);
        }
        // video 0 (-1), audio [0, 23], audio [500, 523] written before video 800 (-801)
        assertEquals(List.of(-1L, 0L, 500L, -801L), order);
        assertEquals(2, adtsFrames(r.pes().get(2).payload()).size());

        TsMuxer audioOnly = new TsMuxer(List.of(AUDIO));
        audioOnly.mergeAudio(2930, 300);
        TsBuffer a = new TsBuffer(1024);
        audioOnly.writePatPmt(a);
        for (int i = 0; i < 10; i++) {
            audioOnly.write(Frame.media(0, Codec.AAC, i * 23L, 0, true, ByteBuffer.wrap(nal(0x21, 20, i))), a);
        }
        assertFalse(audioOnly.hasPending(), "the audio PID carries the PCR: nothing waits");
        assertEquals(10, TsReader.read(a.view()).pes().size());
    }

    @Test
    void aSegmentAndAPartCarryTheirMergedAudio() throws Exception {
        TsMuxer m = new TsMuxer(List.of(VIDEO, AUDIO));
        m.mergeAudio(2930, 300);
        TsSegmentWriter w = new TsSegmentWriter(m);
        w.add(Frame.media(0, Codec.H264, 0, 0, true, avcc(nal(0x65, 1000, 1))));
        w.add(Frame.media(0, Codec.AAC, 0, 0, true, ByteBuffer.wrap(nal(0x21, 200, 1))));
        int before = w.size();
        w.flush();
        assertTrue(w.size() > before, "flush writes the waiting frame");
        ByteBuffer part = w.slice(0, w.size()).bytes();
        assertEquals(1, audioPes(TsReader.read(part)).size());
        w.add(Frame.media(0, Codec.AAC, 23, 0, true, ByteBuffer.wrap(nal(0x21, 200, 2))));
        ByteBuffer segment = w.finish().bytes();
        List<TsReader.Pes> audio = audioPes(TsReader.read(segment));
        assertEquals(2, audio.size(), "finish flushes");
        assertEquals(23 * 90, audio.get(1).pts());
        // an abandoned segment's waiting audio is dropped, not carried into the next one
        w.add(Frame.media(0, Codec.H264, 40, 0, true, avcc(nal(0x65, 1000, 2))));
        w.add(Frame.media(0, Codec.AAC, 46, 0, true, ByteBuffer.wrap(nal(0x21, 200, 3))));
        w.abandon();
        assertFalse(m.hasPending());
    }

    private static List<TsReader.Pes> audioPes(TsReader.Result r) {
        return r.pes().stream().filter(p -> p.pid() == TsMuxer.AUDIO_PID).toList();
    }

    private static List<String> videoPayloads(TsReader.Result r) {
        return r.pes().stream().filter(p -> p.pid() == TsMuxer.VIDEO_PID).map(p -> p.pts() + ":" + Hex.of(p.payload()))
                .toList();
    }
}
