package io.osprey.plugin.hls;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.osprey.media.codec.AacConfig;
import io.osprey.spi.bus.Codec;
import io.osprey.spi.bus.Frame;
import io.osprey.spi.bus.TrackInfo;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Random frame sequences through the packager and its window: it never throws and never needs its internal
 * recovery, and everything it publishes parses: every TS segment and part with TsReader, every fMP4 segment and
 * part as whole moof/mdat pairs, every init section, and every playlist against the RFC 8216(bis) rules.
 *
 * <p>The input is a script so that seeds can be written by hand ({@code HlsPackagerFuzzTestInputs/}): byte 0 is
 * the setup (0x01 fMP4, 0x02 LL-HLS, 0x04 an audio track, 0x08 video is H.265, 0x10 audio is MP3, 0x20 no video
 * track); then records of op (1 byte), dts delta (int16), cts (int8), payload length (uint16), payload.
 * Op low 3 bits: 0 video, 1 audio, 2 video config, 3 audio config, 4 data, 5 flag the next frame as a
 * discontinuity, 6 the stream ends; 0x08 key; 0x10 track id 1; 0x20 the other codec; 0x40 well-formed (video:
 * the payload as one length-prefixed NAL unit; configs: a valid avcC / AudioSpecificConfig).
 */
class HlsPackagerFuzzTest {
    private static final ByteBuffer AVCC = ByteBuffer.wrap(HexFormat.of().parseHex(
            "0142c01fffe1000f6742c01f8c6805005bb0101e1108d401000468ce3c80")).asReadOnlyBuffer();
    private static final ByteBuffer ASC = AacConfig.build(2, 48000, 2);

    @FuzzTest(maxDuration = "30s")
    void packageRandomFrames(byte[] data) throws IOException {
        ByteBuffer in = ByteBuffer.wrap(data);
        if (!in.hasRemaining()) {
            return;
        }
        int setup = in.get();
        HlsFormat format = (setup & 0x01) != 0 ? HlsFormat.FMP4 : HlsFormat.TS;
        StreamSettings settings = new StreamSettings(format, (setup & 0x02) != 0, 1000, 200, 3, 3000, 1 << 20);
        Codec videoCodec = (setup & 0x08) != 0 ? Codec.H265 : Codec.H264;
        Codec audioCodec = (setup & 0x10) != 0 ? Codec.MP3 : Codec.AAC;
        List<TrackInfo> tracks = new ArrayList<>();
        if ((setup & 0x20) == 0) {
            tracks.add(TrackInfo.video(0, videoCodec, null, 640, 360, 25));
        }
        if ((setup & 0x04) != 0) {
            tracks.add(TrackInfo.audio(0, audioCodec, null, 48000, 2));
        }
        MediaWindow window = new MediaWindow("f", settings, false, null);
        HlsPackager packager = new HlsPackager("fuzz", settings, window, () -> 1_700_000_000_000L);
        Checker checker = new Checker(format);
        long dts = 0;
        boolean discontinuity = false;
        while (in.remaining() >= 6) {
            int op = in.get() & 0xFF;
            dts += in.getShort();
            int cts = in.get();
            int len = Math.min(in.getShort() & 0xFFFF, in.remaining());
            ByteBuffer payload = in.slice(in.position(), len);
            in.position(in.position() + len);
            boolean key = (op & 0x08) != 0;
            int track = (op & 0x10) != 0 ? 1 : 0;
            boolean other = (op & 0x20) != 0;
            boolean good = (op & 0x40) != 0;
            Codec video = other ? (videoCodec == Codec.H264 ? Codec.H265 : Codec.H264) : videoCodec;
            Codec audio = other ? (audioCodec == Codec.AAC ? Codec.MP3 : Codec.AAC) : audioCodec;
            Frame f = switch (op & 7) {
                case 0 -> Frame.media(track, video, dts, cts, key, good
                        ? ByteBuffer.allocate(4 + len).putInt(len).put(payload).flip() : payload);
                case 1 -> Frame.media(track, audio, dts, cts, key, payload);
                case 2 -> Frame.config(track, video, dts, good ? AVCC : payload);
                case 3 -> Frame.config(track, audio, dts, good ? ASC : payload);
                case 4 -> Frame.data(dts, payload);
                default -> null;
            };
            if ((op & 7) == 5) {
                discontinuity = true;
            } else if ((op & 7) == 6) {
                packager.end();
            } else if (f != null) {
                if (discontinuity && !f.isConfig()) {
                    f = f.retimed(f.dts(), Frame.DISCONTINUITY);
                    discontinuity = false;
                }
                packager.accept(f, tracks);
            }
            if (window.dirty()) {
                checker.check(window.publish());
            }
        }
        if (packager.failures() != 0) {
            throw new IllegalStateException("the packager needed its internal recovery");
        }
    }

    /** Parses everything new in each snapshot, once. */
    static final class Checker {
        final HlsFormat format;
        long segmentsChecked = -1;
        long partsChecked = -1;

        Checker(HlsFormat format) {
            this.format = format;
        }

        void check(Snapshot s) throws IOException {
            for (Segment seg : s.segments()) {
                if (seg.msn() > segmentsChecked) {
                    parse(seg.body().bytes());
                    segmentsChecked = seg.msn();
                    if (seg.init() >= 0) {
                        MediaCheck.init(s.init(seg.init()).bytes());
                    }
                }
            }
            for (Part p : s.parts()) {
                if (p.number() > partsChecked) {
                    if (format == HlsFormat.FMP4) {
                        parse(p.body().bytes()); // TS parts after the first lack PAT/PMT: checked within segments
                    }
                    partsChecked = p.number();
                }
            }
            new M3u8(new String(PlaylistWriter.render(s, s.settings().lowLatency(), false),
                    StandardCharsets.US_ASCII));
            if (s.canSkipUntilMs() > 0) {
                new M3u8(new String(PlaylistWriter.render(s, true, true), StandardCharsets.US_ASCII));
            }
        }

        void parse(ByteBuffer b) throws IOException {
            if (format == HlsFormat.TS) {
                MediaCheck.ts(b);
            } else {
                MediaCheck.fmp4(b);
            }
        }
    }
}
