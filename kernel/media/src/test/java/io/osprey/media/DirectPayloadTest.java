package io.osprey.media;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.osprey.media.buffer.DirectLog;
import io.osprey.media.codec.AacConfig;
import io.osprey.media.codec.Hex;
import io.osprey.media.flv.FlvMedia;
import io.osprey.media.mp4.Fmp4FragmentWriter;
import io.osprey.media.ts.TsBuffer;
import io.osprey.media.ts.TsMuxer;
import io.osprey.spi.bus.Codec;
import io.osprey.spi.bus.Frame;
import io.osprey.spi.bus.TrackInfo;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The ingests put media payloads in read-only direct buffers ({@link DirectLog}): every writer of the library turns
 * such frames into the same bytes as frames with heap payloads.
 */
class DirectPayloadTest {
    private static final TrackInfo VIDEO = TrackInfo.video(0, Codec.H264,
            Hex.buf("0142c01fffe1000f6742c01f8c6805005bb0101e1108d401000468ce3c80"), 1280, 720, 30);
    private static final TrackInfo AUDIO = TrackInfo.audio(0, Codec.AAC, AacConfig.build(2, 44100, 2), 44100, 2);
    private static final TrackInfo MP3 = TrackInfo.audio(1, Codec.MP3, null, 44100, 2);

    private static ByteBuffer avcc(int nalType, int size, int seed) {
        ByteBuffer b = ByteBuffer.allocate(4 + size).putInt(size).put((byte) nalType);
        for (int i = 1; i < size; i++) {
            b.put((byte) (seed + i * 31 | 1));
        }
        return b.flip();
    }

    private static ByteBuffer bytes(int size, int seed) {
        byte[] b = new byte[size];
        for (int i = 0; i < size; i++) {
            b[i] = (byte) (seed * 7 + i);
        }
        return ByteBuffer.wrap(b);
    }

    /** A GOP's worth of frames, with heap payloads or with payloads copied into a direct log. */
    private static List<Frame> frames(DirectLog log) {
        List<Frame> frames = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            ByteBuffer v = i == 0 ? avcc(0x65, 90_000, i) : avcc(0x41, 300 + i * 97, i);
            ByteBuffer a = bytes(200 + i, i);
            ByteBuffer m = bytes(417, i);
            if (log != null) {
                v = log.append(v).bytes();
                a = log.append(a).bytes();
                m = log.append(m).bytes();
            }
            frames.add(Frame.media(0, Codec.H264, i * 40L, 40, i == 0, v));
            frames.add(Frame.media(0, Codec.AAC, i * 40L + 3, 0, true, a));
            frames.add(Frame.media(1, Codec.MP3, i * 40L + 5, 0, true, m));
        }
        return frames;
    }

    private static byte[] array(ByteBuffer b) {
        byte[] out = new byte[b.remaining()];
        b.duplicate().get(out);
        return out;
    }

    private static byte[] ts(List<Frame> frames) {
        TsMuxer muxer = new TsMuxer(List.of(VIDEO, AUDIO));
        TsBuffer out = new TsBuffer(1024);
        muxer.writePatPmt(out);
        for (Frame f : frames) {
            muxer.write(f, out);
        }
        return out.toByteArray();
    }

    private static byte[] fmp4(List<Frame> frames) {
        Fmp4FragmentWriter w = new Fmp4FragmentWriter(List.of(VIDEO, AUDIO));
        for (Frame f : frames) {
            w.add(f);
        }
        return array(w.fragment(1));
    }

    private static byte[] flv(List<Frame> frames) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Frame f : frames) {
            out.writeBytes(array(FlvMedia.tag(f, f.codec() == Codec.MP3 ? MP3 : null)));
        }
        return out.toByteArray();
    }

    @Test
    void tsFmp4AndFlvWritersReadDirectReadOnlyPayloadsLikeHeapOnes() {
        List<Frame> heap = frames(null);
        List<Frame> direct = frames(new DirectLog());
        for (Frame f : direct) {
            assertTrue(f.payload().isDirect() && f.payload().isReadOnly() && !f.payload().hasArray(), f.toString());
        }
        assertArrayEquals(ts(heap), ts(direct));
        assertArrayEquals(fmp4(heap), fmp4(direct));
        assertArrayEquals(flv(heap), flv(direct));
        assertTrue(ts(direct).length > 90_000);
    }
}
