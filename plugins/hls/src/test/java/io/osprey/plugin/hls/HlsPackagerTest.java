package io.osprey.plugin.hls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.osprey.media.ts.TsReader;
import io.osprey.spi.bus.Codec;
import io.osprey.spi.bus.Frame;
import io.osprey.spi.bus.MediaKind;
import io.osprey.spi.bus.TrackInfo;
import io.osprey.testkit.Clip;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class HlsPackagerTest {
    static Clip clip;

    @BeforeAll
    static void media() throws Exception {
        clip = Clip.h264Aac(10);
    }

    static StreamSettings settings(HlsFormat format, boolean ll, int window) {
        return new StreamSettings(format, ll, 2000, 333, window, 30_000, 64 << 20);
    }

    static HlsPackager packager(StreamSettings s) {
        return new HlsPackager("test/s", s, new MediaWindow("sid", s, false, null), () -> 1_700_000_000_000L);
    }

    static Snapshot feed(HlsPackager p, List<Frame> frames, List<TrackInfo> tracks) {
        for (Frame f : frames) {
            p.accept(f, tracks);
        }
        return p.window().publish();
    }

    @Test
    void tsSegmentsAreKeyAlignedAtTheTargetAndContinuousAcrossSegments() throws Exception {
        HlsPackager p = packager(settings(HlsFormat.TS, false, 100));
        Snapshot s = feed(p, clip.busFrames(), clip.tracks());
        Segment[] segs = s.segments();
        assertEquals(4, segs.length, "10 s of 1 s GOPs: four complete 2 s segments, the fifth still open");
        List<ByteBuffer> all = new ArrayList<>();
        long expectedDts = segs[0].startDts();
        for (Segment seg : segs) {
            assertEquals(2000, seg.durationMs(), "cut on the key frame at the 2 s target");
            assertEquals(expectedDts, seg.startDts());
            expectedDts += seg.durationMs();
            TsReader.Result r = MediaCheck.ts(seg.body().bytes());
            List<TsReader.Pes> video = MediaCheck.video(r);
            assertTrue(video.get(0).randomAccess(), "segment starts with a key frame");
            assertEquals(seg.startDts() * 90, video.get(0).dts(), "first video DTS is the segment start");
            assertEquals(50, video.size(), "2 s at 25 fps");
            assertFalse(MediaCheck.audio(r).isEmpty());
            all.add(seg.body().bytes());
        }
        // across segments: continuity counters and timestamps run on (the reader checks CC over the concatenation)
        TsReader.Result whole = MediaCheck.ts(MediaCheck.concat(all));
        List<TsReader.Pes> video = MediaCheck.video(whole);
        for (int i = 1; i < video.size(); i++) {
            assertEquals(3600, video.get(i).dts() - video.get(i - 1).dts(), "video DTS steps by one frame");
        }
        List<Long> audio = MediaCheck.aacFramePts(whole); // merged AAC: several frames per PES
        assertTrue(MediaCheck.audio(whole).size() * 4 < audio.size(), "AAC frames share PES packets");
        for (int i = 1; i < audio.size(); i++) {
            long step = audio.get(i) - audio.get(i - 1);
            assertTrue(step >= 20 * 90 && step <= 25 * 90, "audio PTS steps by one AAC frame, was " + step);
        }
        assertEquals(0, p.failures());
    }

    @Test
    void fmp4SegmentsParseAndTheirTimelinesJoin() throws Exception {
        HlsPackager p = packager(settings(HlsFormat.FMP4, false, 100));
        Snapshot s = feed(p, clip.busFrames(), clip.tracks());
        MediaCheck.init(s.init(0).bytes());
        long[] end = {-1, -1, -1};
        for (Segment seg : s.segments()) {
            assertEquals(0, seg.init());
            for (MediaCheck.Run run : MediaCheck.fmp4(seg.body().bytes())) {
                if (run.trackId() == 1) {
                    assertTrue(run.firstIsSync(), "video run starts with a sync sample");
                    assertEquals(50, run.durations().length);
                }
                if (end[run.trackId()] >= 0) {
                    long gap = run.baseDecodeTime() - end[run.trackId()];
                    long tolerance = run.trackId() == 1 ? 0 : 45; // audio: ms bus timestamps, 1024-sample frames
                    assertTrue(Math.abs(gap) <= tolerance, "track " + run.trackId() + " gap " + gap);
                }
                end[run.trackId()] = run.end();
            }
        }
        assertEquals(4, s.segments().length);
    }

    @Test
    void llPartsAreCompleteSlicesOfTheirSegmentWithinThePartTarget() throws Exception {
        for (HlsFormat format : HlsFormat.values()) {
            HlsPackager p = packager(settings(format, true, 100));
            Snapshot s = feed(p, clip.busFrames(), clip.tracks());
            int checked = 0;
            for (Segment seg : s.segments()) {
                List<Part> parts = new ArrayList<>();
                for (Part part : s.parts()) {
                    if (part.msn() == seg.msn()) {
                        parts.add(part);
                    }
                }
                if (parts.isEmpty()) {
                    continue; // older than three target durations: parts no longer listed
                }
                checked++;
                assertTrue(parts.get(0).independent(), "first part starts with the key frame");
                long sum = 0;
                List<ByteBuffer> bodies = new ArrayList<>();
                for (int i = 0; i < parts.size(); i++) {
                    Part part = parts.get(i);
                    assertEquals(i, part.index());
                    assertTrue(part.durationMs() <= 333, format + " part " + part);
                    // RFC 8216bis 4.4.4.9: only the last part of a segment may be much shorter than the target
                    assertTrue(i == parts.size() - 1 || part.durationMs() >= 0.85 * 333, format + " part " + part);
                    sum += part.durationMs();
                    bodies.add(part.body().bytes());
                    if (format == HlsFormat.FMP4) {
                        MediaCheck.fmp4(part.body().bytes());
                    }
                }
                assertTrue(Math.abs(sum - seg.durationMs()) <= 40, "parts add up to the segment: " + sum);
                assertEquals(seg.body().bytes(), MediaCheck.concat(bodies), "segment = its parts back to back");
            }
            assertTrue(checked >= 2, format + ": parts kept for the last three target durations");
            M3u8 m = new M3u8(new String(PlaylistWriter.render(s, true, false), StandardCharsets.US_ASCII));
            assertEquals(0.333, m.partTarget);
            assertNotNull(m.preloadHint);
            assertEquals("part-sid-" + s.nextPartNumber() + format.extension(), m.preloadHint);
        }
    }

    @Test
    void aConfigChangeOrAReturningPublisherStartsADiscontinuity() throws Exception {
        for (HlsFormat format : HlsFormat.values()) {
            HlsPackager p = packager(settings(format, false, 100));
            List<Frame> frames = clip.busFrames();
            List<TrackInfo> tracks = clip.tracks();
            int half = frames.size() / 2;
            feed(p, frames.subList(0, half), tracks);
            ByteBuffer changed = ByteBuffer.allocate(clip.video().config().remaining());
            changed.put(clip.video().config()).flip();
            changed.put(2, (byte) (changed.get(2) ^ 0x40)); // profile_compatibility: other bytes, same stream
            p.accept(Frame.config(0, Codec.H264, frames.get(half).dts(), changed), tracks);
            Snapshot s = feed(p, frames.subList(half, frames.size()), tracks);
            long discontinuities = java.util.Arrays.stream(s.segments()).filter(Segment::discontinuity).count();
            assertEquals(1, discontinuities, format + ": one discontinuity after the codec change");
            if (format == HlsFormat.FMP4) {
                Segment last = s.segments()[s.segments().length - 1];
                assertEquals(1, last.init(), "a new init section after the change");
                assertNotNull(s.init(1));
            }
            // a publisher returning: the bus flags its first frame
            List<Frame> more = new ArrayList<>();
            for (int i = 0; i < clip.frames().size(); i++) {
                Frame f = clip.looped(i + clip.frames().size());
                more.add(i == 0 ? f.retimed(f.dts(), Frame.DISCONTINUITY) : f);
            }
            s = feed(p, more, tracks);
            discontinuities = java.util.Arrays.stream(s.segments()).filter(Segment::discontinuity).count();
            assertEquals(2, discontinuities, format + ": and one when the publisher returned");
            M3u8 m = new M3u8(new String(PlaylistWriter.render(s, false, false), StandardCharsets.US_ASCII));
            assertEquals(2, m.segments.stream().filter(M3u8.Seg::discontinuity).count());
            assertEquals(0, p.failures());
        }
    }

    @Test
    void theWindowSlidesAndMemoryStaysBounded() throws Exception {
        HlsPackager p = packager(settings(HlsFormat.TS, true, 3));
        List<TrackInfo> tracks = clip.tracks();
        p.accept(Frame.config(0, Codec.H264, 0, clip.video().config()), tracks);
        p.accept(Frame.config(0, Codec.AAC, 0, clip.audio().config()), tracks);
        long maxBytes = 0;
        long lastFirst = -1;
        for (int i = 0; i < clip.frames().size() * 4; i++) {
            p.accept(clip.looped(i), tracks);
            Snapshot s = p.window().publish();
            assertTrue(s.segments().length <= 3);
            assertTrue(s.firstMsn() >= lastFirst, "media sequence never goes backwards");
            lastFirst = s.firstMsn();
            maxBytes = Math.max(maxBytes, s.bytesHeld());
            for (Segment seg : s.segments()) {
                assertEquals(2000, seg.durationMs(), "looped clip keeps 2 s segments: " + seg);
            }
        }
        Snapshot s = p.window().publish();
        assertEquals(3, s.segments().length);
        assertEquals(s.lastMsn() - 2, s.firstMsn());
        long segment = s.segments()[0].body().size();
        assertTrue(maxBytes < 8 * segment, "window of 3 + parts, held " + maxBytes + " vs segment " + segment);
    }

    @Test
    void aPublisherWithoutKeyFramesNeverGrowsMemory() {
        StreamSettings st = new StreamSettings(HlsFormat.TS, true, 2000, 333, 6, 4000, 1 << 20);
        HlsPackager p = packager(st);
        TrackInfo v = TrackInfo.video(0, Codec.H264, clip.video().config(), 640, 360, 25);
        List<TrackInfo> tracks = List.of(v);
        p.accept(Frame.config(0, Codec.H264, 0, clip.video().config()), tracks);
        Frame inter = clip.frames().stream().filter(f -> f.kind() == MediaKind.VIDEO && !f.isKey()).findFirst()
                .orElseThrow();
        for (int i = 0; i < 500; i++) {
            p.accept(Frame.media(0, Codec.H264, i * 40L, 0, false, inter.payload()), tracks);
        }
        Snapshot s = p.window().publish();
        assertEquals(0, s.segments().length, "nothing is packaged before a key frame");
        assertEquals(500, p.dropped());
        // one key frame, then inter frames only: the segment is closed at maxSegmentMs, then frames are dropped
        Frame key = clip.frames().stream().filter(Frame::isVideoKey).findFirst().orElseThrow();
        p.accept(Frame.media(0, Codec.H264, 20_000, 0, true, key.payload()), tracks);
        for (int i = 1; i < 2000; i++) {
            p.accept(Frame.media(0, Codec.H264, 20_000 + i * 40L, 0, false, inter.payload()), tracks);
            assertTrue(p.window().publish().bytesHeld() < 4 << 20);
        }
        s = p.window().publish();
        assertEquals(1, s.segments().length);
        assertTrue(s.segments()[0].durationMs() <= 4000);
    }

    @Test
    void audioOnlyStreamsAreCutOnTime() throws Exception {
        HlsPackager p = packager(settings(HlsFormat.TS, false, 100));
        List<TrackInfo> tracks = List.of(clip.audio());
        p.accept(Frame.config(0, Codec.AAC, 0, clip.audio().config()), tracks);
        Snapshot s = feed(p, clip.frames().stream().filter(f -> f.kind() == MediaKind.AUDIO).toList(), tracks);
        assertTrue(s.segments().length >= 4);
        for (Segment seg : s.segments()) {
            assertTrue(seg.durationMs() <= 2000 && seg.durationMs() >= 1950, "audio segment " + seg.durationMs());
            MediaCheck.ts(seg.body().bytes());
        }
    }
}
