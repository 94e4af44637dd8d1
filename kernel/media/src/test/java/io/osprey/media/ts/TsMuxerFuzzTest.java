package io.osprey.media.ts;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.osprey.media.codec.AacConfig;
import io.osprey.media.codec.Hex;
import io.osprey.spi.bus.Codec;
import io.osprey.spi.bus.Frame;
import io.osprey.spi.bus.TrackInfo;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Random frame sequences through {@link TsSegmentWriter}: the muxer never throws on well-typed frames whatever their
 * payloads, timestamps and configs, and every segment it produces parses with {@link TsReader} (sync bytes,
 * continuity counters, adaptation fields, sections, PES headers) with one PES per frame it accepted.
 *
 * <p>The input is a small script so that seeds can be written by hand (see {@code TsMuxerFuzzTestInputs/}): byte 0
 * chooses the tracks (0x01 video, 0x02 video is H.265, 0x04 audio, 0x08 audio is MP3, 0x10 tracks start without
 * configs, 0x20 AAC frames merged into shared PES packets, then at most one PES per accepted frame); then records of op (1 byte), dts delta (int16), cts (int16), payload length (uint16) and payload.
 * Op low 3 bits: 0 video, 1 audio, 2 video config, 3 audio config, 4 end segment, 5 data frame, 6 video as one
 * well-formed NAL unit, 7 track update; 0x08 key; 0x10 track id 1; 0x20 the other video/audio codec.
 */
class TsMuxerFuzzTest {
    private static final ByteBuffer AVCC = Hex.buf("0142c01fffe1000f6742c01f8c6805005bb0101e1108d401000468ce3c80");

    @FuzzTest(maxDuration = "30s")
    void muxRandomFrames(byte[] data) throws TsFormatException {
        ByteBuffer in = ByteBuffer.wrap(data);
        if (!in.hasRemaining()) {
            return;
        }
        int setup = in.get();
        boolean configs = (setup & 0x10) == 0;
        List<TrackInfo> tracks = new ArrayList<>();
        Codec videoCodec = (setup & 0x02) != 0 ? Codec.H265 : Codec.H264;
        Codec audioCodec = (setup & 0x08) != 0 ? Codec.MP3 : Codec.AAC;
        if ((setup & 0x01) != 0) {
            tracks.add(TrackInfo.video(0, videoCodec, configs && videoCodec == Codec.H264 ? AVCC : null, 0, 0, 0));
        }
        if ((setup & 0x04) != 0) {
            tracks.add(TrackInfo.audio(0, audioCodec, configs && audioCodec == Codec.AAC
                    ? AacConfig.build(2, 48000, 2) : null, 48000, 2));
        }
        TsMuxer muxer = new TsMuxer(tracks);
        boolean merging = (setup & 0x20) != 0;
        if (merging) {
            muxer.mergeAudio(2930, 300);
        }
        TsSegmentWriter writer = new TsSegmentWriter(muxer);
        long dts = 0;
        int accepted = 0;
        while (in.remaining() >= 7) {
            int op = in.get() & 0xFF;
            dts += in.getShort();
            int cts = in.getShort();
            int len = Math.min(in.getShort() & 0xFFFF, in.remaining());
            ByteBuffer payload = in.slice(in.position(), len);
            in.position(in.position() + len);
            boolean key = (op & 0x08) != 0;
            int track = (op & 0x10) != 0 ? 1 : 0;
            boolean other = (op & 0x20) != 0;
            Codec video = other ? (videoCodec == Codec.H264 ? Codec.H265 : Codec.H264) : videoCodec;
            Codec audio = other ? (audioCodec == Codec.AAC ? Codec.MP3 : Codec.AAC) : audioCodec;
            Frame frame = switch (op & 7) {
                case 0 -> Frame.media(track, video, dts, cts, key, payload);
                case 1 -> Frame.media(track, audio, dts, cts, key, payload);
                case 2 -> Frame.config(track, video, dts, payload);
                case 3 -> Frame.config(track, audio, dts, payload);
                case 5 -> Frame.data(dts, payload);
                case 6 -> Frame.media(track, video, dts, cts, key,
                        ByteBuffer.allocate(4 + len).putInt(len).put(payload).flip());
                default -> null;
            };
            if ((op & 7) == 4) {
                accepted = check(writer, accepted, merging);
            } else if ((op & 7) == 7) {
                TrackInfo t = (op & 0x40) != 0 ? TrackInfo.audio(track, audio, payload, 44100, 1)
                        : TrackInfo.video(track, video, payload, 640, 360, 25);
                if (muxer.updateTrack(t)) {
                    accepted = check(writer, accepted, merging);
                }
            } else if (writer.add(frame)) {
                accepted++;
            }
        }
        check(writer, accepted, merging);
    }

    private static int check(TsSegmentWriter writer, int accepted, boolean merging) throws TsFormatException {
        ByteBuffer segment = writer.finish().bytes();
        if (segment.remaining() % 188 != 0) {
            throw new IllegalStateException("segment of " + segment.remaining() + " bytes");
        }
        TsReader.Result r = TsReader.read(segment);
        if (merging ? r.pes().size() > accepted : r.pes().size() != accepted) {
            throw new IllegalStateException(accepted + " frames accepted but " + r.pes().size() + " PES read");
        }
        return 0;
    }
}
