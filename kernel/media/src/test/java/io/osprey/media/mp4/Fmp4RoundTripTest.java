package io.osprey.media.mp4;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.osprey.media.codec.AacConfig;
import io.osprey.media.codec.Hex;
import io.osprey.spi.bus.Codec;
import io.osprey.spi.bus.Frame;
import io.osprey.spi.bus.TrackInfo;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The init and fragment writers read back through {@link Mp4BoxReader} and the fragment box parsers. */
class Fmp4RoundTripTest {
    static final TrackInfo VIDEO = TrackInfo.video(0, Codec.H264, Hex.buf(BoxGoldenTest.AVCC), 0, 0, 30);
    static final TrackInfo AUDIO = TrackInfo.audio(0, Codec.AAC, AacConfig.build(2, 44100, 2), 44100, 2);

    /** Box types in depth-first order, descending into containers and sample descriptions. */
    static List<String> walk(Mp4BoxReader r) throws Exception {
        List<String> types = new ArrayList<>();
        for (Mp4BoxReader.Header h = r.next(); h != null; h = r.next()) {
            types.add(h.type());
            switch (h.type()) {
                case "moov", "trak", "mdia", "minf", "dinf", "stbl", "mvex", "moof", "traf", "edts" ->
                        types.addAll(walk(r.children(h)));
                case "stsd" -> types.addAll(walk(r.children(h, 8)));
                case "avc1" -> types.addAll(walk(r.children(h, 78)));
                case "mp4a" -> types.addAll(walk(r.children(h, 28)));
                default -> { }
            }
        }
        return types;
    }

    @Test
    void initSegmentStructure() throws Exception {
        ByteBuffer init = Fmp4InitWriter.init(List.of(VIDEO, AUDIO, TrackInfo.video(1, Codec.VP9, null, 1, 1, 1)));
        assertEquals(List.of("ftyp", "moov", "mvhd",
                "trak", "tkhd", "mdia", "mdhd", "hdlr", "minf", "vmhd", "dinf", "dref", "stbl", "stsd", "avc1",
                "avcC", "stts", "stsc", "stsz", "stco",
                "trak", "tkhd", "mdia", "mdhd", "hdlr", "minf", "smhd", "dinf", "dref", "stbl", "stsd", "mp4a",
                "esds", "stts", "stsc", "stsz", "stco",
                "mvex", "trex", "trex"), walk(Mp4BoxReader.of(init)));
        // the width and height came from the SPS (the track said 0 x 0): tkhd ends with 1280.0 x 720.0
        int tkhd = Hex.of(init).indexOf("746b6864") / 2;
        assertEquals(1280 << 16, init.getInt(tkhd + 4 + 76));
        assertEquals(720 << 16, init.getInt(tkhd + 4 + 80));
    }

    @Test
    void fragmentSamplesDurationsFlagsAndOffsets() throws Exception {
        Fmp4FragmentWriter w = new Fmp4FragmentWriter(List.of(VIDEO, AUDIO));
        byte[][] video = {Hex.bytes("00000002 6588"), Hex.bytes("00000003 419a01"), Hex.bytes("00000001 41")};
        long[] videoDts = {1000, 1033, 1067};
        int[] videoCts = {67, 0, -33};
        for (int i = 0; i < 3; i++) {
            assertTrue(w.add(Frame.media(0, Codec.H264, videoDts[i], videoCts[i], i == 0, ByteBuffer.wrap(video[i]))));
        }
        // AAC at 44.1 kHz: ms timestamps 1000, 1023, 1046, 1070 are 1024-sample frames, rounded
        long[] audioDts = {1000, 1023, 1046, 1070};
        for (int i = 0; i < 4; i++) {
            w.add(Frame.media(0, Codec.AAC, audioDts[i], 0, true, ByteBuffer.wrap(new byte[] {(byte) i, 7})));
        }
        assertFalse(w.add(Frame.config(0, Codec.H264, 0, Hex.buf(BoxGoldenTest.AVCC))));
        assertFalse(w.add(Frame.media(3, Codec.H264, 0, 0, true, ByteBuffer.wrap(video[0]))));
        assertEquals(7, w.sampleCount());
        ByteBuffer fragment = w.fragment(5);
        assertTrue(w.isEmpty());

        Mp4BoxReader r = Mp4BoxReader.of(fragment);
        Mp4BoxReader.Header moof = r.next();
        Mp4BoxReader.Header mdat = r.next();
        assertEquals("moof", moof.type());
        assertEquals("mdat", mdat.type());
        assertNull(r.next());
        Mp4BoxReader in = r.children(moof);
        assertEquals(5, MovieFragmentHeaderBox.parse(r.content(in.next(), 64)).sequenceNumber());

        Mp4BoxReader traf = r.children(in.next());
        TrackFragmentHeaderBox tfhd = TrackFragmentHeaderBox.parse(r.content(traf.next(), 64));
        assertEquals(1, tfhd.trackId());
        assertEquals(TrackFragmentHeaderBox.DEFAULT_BASE_IS_MOOF, tfhd.flags());
        assertEquals(90_000, TrackFragmentBaseMediaDecodeTimeBox.parse(r.content(traf.next(), 64))
                .baseMediaDecodeTime());
        TrackRunBox run = TrackRunBox.parse(r.content(traf.next(), 1024));
        assertArrayEquals(new int[] {2970, 3060, 3060}, run.durations()); // last repeats the previous
        assertArrayEquals(new int[] {6, 7, 5}, run.sizes());
        assertArrayEquals(new int[] {TrackRunBox.SYNC_SAMPLE, TrackRunBox.NON_SYNC_SAMPLE,
            TrackRunBox.NON_SYNC_SAMPLE}, run.sampleFlags());
        assertArrayEquals(new int[] {6030, 0, -2970}, run.compositionOffsets());
        for (int i = 0, at = run.dataOffset(); i < 3; at += video[i].length, i++) {
            byte[] sample = new byte[video[i].length];
            fragment.get(at, sample);
            assertArrayEquals(video[i], sample);
        }

        Mp4BoxReader audioTraf = r.children(in.next());
        TrackFragmentHeaderBox audioTfhd = TrackFragmentHeaderBox.parse(r.content(audioTraf.next(), 64));
        assertEquals(2, audioTfhd.trackId());
        assertEquals(TrackRunBox.SYNC_SAMPLE, audioTfhd.defaultFlags());
        assertEquals(44_100, TrackFragmentBaseMediaDecodeTimeBox.parse(r.content(audioTraf.next(), 64))
                .baseMediaDecodeTime());
        TrackRunBox audioRun = TrackRunBox.parse(r.content(audioTraf.next(), 1024));
        assertArrayEquals(new int[] {1024, 1024, 1024, 1024}, audioRun.durations());
        assertNull(audioRun.sampleFlags());
        assertEquals(run.dataOffset() + 18, audioRun.dataOffset());
        assertEquals(2, fragment.get(audioRun.dataOffset() + 4));
        assertEquals(fragment.limit(), audioRun.dataOffset() + 8);
        assertNull(in.next());
    }

    @Test
    void lastDurationCarriesAcrossFragmentsAndBackwardStepsBecomeZero() throws Exception {
        Fmp4FragmentWriter w = new Fmp4FragmentWriter(List.of(VIDEO));
        w.add(Frame.media(0, Codec.H264, 0, 0, true, Hex.buf("00000001 65")));
        ByteBuffer first = w.fragment(1);
        assertArrayEquals(new int[] {3000}, runOf(first).durations()); // default: 90000 / 30 fps
        w.add(Frame.media(0, Codec.H264, 40, 0, false, Hex.buf("00000001 41")));
        w.add(Frame.media(0, Codec.H264, 20, 0, false, Hex.buf("00000001 41"))); // DTS goes back
        w.add(Frame.media(0, Codec.H264, 60, 0, false, Hex.buf("00000001 41")));
        assertArrayEquals(new int[] {0, 3600, 3600}, runOf(w.fragment(2)).durations());
    }

    static TrackRunBox runOf(ByteBuffer fragment) throws Exception {
        Mp4BoxReader r = Mp4BoxReader.of(fragment);
        Mp4BoxReader moof = r.children(r.next());
        moof.next();
        Mp4BoxReader traf = r.children(moof.next());
        traf.next();
        traf.next();
        return TrackRunBox.parse(r.content(traf.next(), 1 << 16));
    }
}
