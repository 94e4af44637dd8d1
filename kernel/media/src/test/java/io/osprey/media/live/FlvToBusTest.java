package io.osprey.media.live;

import io.osprey.media.flv.FlvTag;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.osprey.media.amf0.Amf0EcmaArray;
import io.osprey.media.amf0.Amf0Writer;
import io.osprey.spi.bus.Codec;
import io.osprey.spi.bus.Frame;
import io.osprey.spi.bus.Publisher;
import io.osprey.spi.bus.StreamView;
import io.osprey.spi.bus.TrackInfo;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FlvToBusTest {

    /** Records what the bridge does to the bus. */
    static final class Recorder implements Publisher {
        final List<TrackInfo> tracks = new ArrayList<>();
        final List<Frame> frames = new ArrayList<>();
        Map<String, Object> metadata;

        @Override
        public StreamView stream() {
            return null;
        }

        @Override
        public void setTrack(TrackInfo track) {
            tracks.add(track);
        }

        @Override
        public void setMetadata(Map<String, Object> md) {
            metadata = md;
        }

        @Override
        public void push(Frame frame) {
            frames.add(frame);
        }

        @Override
        public boolean isEvicted() {
            return false;
        }

        @Override
        public void close() {
        }

        @Override
        public void disconnect(String reason) {
        }
    }

    private static ByteBuffer mp3(int size) {
        // E.4.2.1 AUDIODATA: SoundFormat 2 (MP3) << 4 | SoundRate 3 (44 kHz) << 2 | SoundSize 1 << 1 | SoundType 1
        ByteBuffer b = ByteBuffer.allocate(1 + size);
        b.put((byte) 0x2F);
        return b.position(0);
    }

    @Test
    void metadataBehindSetDataFrameBecomesStreamMetadataAndOtherScriptDataAFrame() throws Exception {
        Recorder r = new Recorder();
        FlvToBus bridge = new FlvToBus(r, null);
        bridge.data(0, ByteBuffer.wrap(Amf0Writer.encode("@setDataFrame", "onMetaData",
                new Amf0EcmaArray(Map.of("width", 640.0)))));
        assertEquals(640.0, r.metadata.get("width"));
        assertTrue(r.frames.isEmpty());
        bridge.data(40, ByteBuffer.wrap(Amf0Writer.encode("onCuePoint", "x")));
        assertEquals(1, r.frames.size());
        assertEquals(Codec.AMF0, r.frames.get(0).codec());
        assertEquals(40, r.frames.get(0).dts());
    }

    @Test
    void aCodecWithoutConfigIsDeclaredOnItsFirstFrameAndTimestampsUnwrap() throws Exception {
        Recorder r = new Recorder();
        FlvToBus bridge = new FlvToBus(r, null);
        assertEquals(1, bridge.media(FlvTag.AUDIO, 0xFFFF_FF00L, mp3(100)));
        assertEquals(1, bridge.media(FlvTag.AUDIO, 0x0000_0010L, mp3(100)));
        assertEquals(1, r.tracks.size(), "MP3 needs no sequence header: declared once, on its first frame");
        assertEquals(Codec.MP3, r.tracks.get(0).codec());
        assertEquals(0xFFFF_FF00L, r.frames.get(0).dts());
        assertEquals((1L << 32) + 0x10, r.frames.get(1).dts(), "the 32-bit wrap continues the timeline");
    }

    @Test
    void anH264FrameBeforeItsSequenceHeaderIsSkippedAndAnUnreadableConfigIsPassedOnWithAWarning() throws Exception {
        Recorder r = new Recorder();
        List<String> warnings = new ArrayList<>();
        FlvToBus bridge = new FlvToBus(r, warnings::add);
        // E.4.3.1 VIDEODATA: FrameType 1 (key) << 4 | CodecID 7 (AVC); AVCPacketType 1 (NALU); CompositionTime 0
        ByteBuffer nalu = ByteBuffer.wrap(new byte[] {0x17, 1, 0, 0, 0, 0, 0, 0, 1, 0x65});
        assertEquals(0, bridge.media(FlvTag.VIDEO, 0, nalu), "undecodable without its config");
        ByteBuffer badConfig = ByteBuffer.wrap(new byte[] {0x17, 0, 0, 0, 0, 1, 2});
        assertEquals(0, bridge.media(FlvTag.VIDEO, 0, badConfig));
        assertEquals(1, r.tracks.size());
        assertEquals(1, warnings.size(), warnings.toString());
        assertEquals(1, bridge.media(FlvTag.VIDEO, 40, ByteBuffer.wrap(new byte[] {0x17, 1, 0, 0, 0, 0, 0, 0, 1, 0x65})));
    }

    @Test
    void mediaPayloadsAreCopiedOffTheHeapIntoReadOnlyDirectBuffersAndTheBodyIsNotKept() throws Exception {
        Recorder r = new Recorder();
        FlvToBus bridge = new FlvToBus(r, null);
        byte[] body = new byte[1 + 300];
        body[0] = 0x2F; // MP3, see mp3()
        for (int i = 1; i < body.length; i++) {
            body[i] = (byte) i;
        }
        assertEquals(1, bridge.media(FlvTag.AUDIO, 0, ByteBuffer.wrap(body)));
        assertEquals(1, bridge.media(FlvTag.AUDIO, 26, ByteBuffer.wrap(body, 0, 101)));
        java.util.Arrays.fill(body, (byte) 0); // the ingest may reuse or drop its buffer
        ByteBuffer p = r.frames.get(0).payload();
        assertTrue(p.isDirect() && p.isReadOnly(), p.toString());
        assertEquals(300, p.remaining());
        for (int i = 0; i < 300; i++) {
            assertEquals((byte) (i + 1), p.get(p.position() + i));
        }
        assertEquals(100, r.frames.get(1).size());
        assertEquals(1, r.frames.get(1).payload().get(0));
    }
    @Test
    void configsAndScriptDataAreCopiedTooSoTheCallerMayReuseItsBuffer() throws Exception {
        Recorder r = new Recorder();
        FlvToBus bridge = new FlvToBus(r, null);
        byte[] body = {(byte) 0xAF, 0, 0x12, 0x10}; // AAC sequence header: LC, 44.1 kHz, stereo
        bridge.media(FlvTag.AUDIO, 0, ByteBuffer.wrap(body));
        byte[] script = io.osprey.media.amf0.Amf0Writer.encode("onCuePoint", "x");
        bridge.data(0, ByteBuffer.wrap(script));
        java.util.Arrays.fill(body, (byte) 0);
        java.util.Arrays.fill(script, (byte) 0);
        assertEquals(ByteBuffer.wrap(new byte[] {0x12, 0x10}), r.tracks.get(0).config());
        assertEquals(ByteBuffer.wrap(io.osprey.media.amf0.Amf0Writer.encode("onCuePoint", "x")),
                r.frames.get(0).payload());
    }

    @Test
    void mediaFramesArePooledAndCloseLetsGoOfTheLastSegment() throws Exception {
        Recorder r = new Recorder();
        FlvToBus bridge = new FlvToBus(r, null);
        byte[] body = new byte[1 + 300];
        body[0] = 0x2F;
        bridge.media(FlvTag.AUDIO, 0, ByteBuffer.wrap(body));
        Frame f = r.frames.get(0);
        assertTrue(f.isPooled());
        assertEquals(1, f.refCount(), "the reference push takes over");
        f.release();
        bridge.close();
        bridge.close();
        assertEquals(1, bridge.media(FlvTag.AUDIO, 26, ByteBuffer.wrap(body)), "media after close still works");
        r.frames.get(1).release();
    }
}
