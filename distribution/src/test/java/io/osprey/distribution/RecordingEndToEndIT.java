package io.osprey.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.osprey.testkit.Await;
import io.osprey.testkit.Ffmpeg;
import io.osprey.testkit.Probe;
import io.osprey.testkit.TestMedia;
import io.osprey.testkit.TestServer;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Issue 6's first "done when", with real clients: ffmpeg publishes 30 s over RTMP and stops; the fmp4-recorder's
 * stream_full.mp4 is ~30 s with both tracks, moov before mdat, decodes without errors, and the merged segment set
 * plays as init + segments.
 */
class RecordingEndToEndIT {

    @Test
    void aThirtySecondFfmpegPublishIsMergedIntoAFastStartMp4() throws Exception {
        // keepSegments: the merged segment set is checked after the merge too (by default only the MP4 is kept)
        try (TestServer server = TestServer.start("plugins.fmp4-recorder.apps=[rec30]", "plugins.hls.enabled=false",
                "plugins.fmp4-recorder.keepSegments=true")) {
            Path clip = TestMedia.h264Aac(30, 800);
            Path log = Files.createTempFile("ffmpeg-rec30", ".log");
            Process p = Ffmpeg.start(log, "-re", "-i", clip.toString(), "-c", "copy", "-f", "flv",
                    server.rtmp("/rec30/s"));
            assertTrue(p.waitFor(90, TimeUnit.SECONDS), "ffmpeg finished its 30 s publish");
            assertEquals(0, p.exitValue(), Files.readString(log));

            Path streamDir = server.home().resolve("data/mp4/rec30/s");
            Path[] full = new Path[1];
            Await.until("stream_full.mp4", Duration.ofSeconds(60), () -> {
                try (Stream<Path> s = Files.walk(streamDir)) {
                    full[0] = s.filter(f -> f.getFileName().toString().equals("stream_full.mp4")).findFirst().orElse(null);
                    return full[0] != null;
                } catch (IOException e) {
                    return false;
                }
            });
            Probe.Result r = Probe.probe(full[0].toString());
            assertNotNull(r.video(), r.raw());
            assertEquals("h264", r.video().codec());
            assertEquals("aac", r.audio().codec());
            assertTrue(r.duration() > 29 && r.duration() < 31, "duration ~30 s: " + r.duration());
            assertEquals(List.of("ftyp", "moov", "mdat"), topLevelBoxes(full[0]).subList(0, 3), "fast start");

            Ffmpeg.Result decode = Ffmpeg.run(120, Ffmpeg.ffmpeg(), "-v", "error", "-i", full[0].toString(), "-f", "null", "-");
            assertEquals(0, decode.exitCode(), decode.stderr());
            assertEquals("", decode.stderr().strip(), "decodes without errors");

            Path merged = full[0].getParent().resolve("output_merge");
            Path concat = Files.createTempFile("rec30-merged", ".mp4");
            try (OutputStream out = Files.newOutputStream(concat); Stream<Path> segs = Files.list(merged)) {
                Files.copy(merged.resolve("init.mp4"), out);
                for (Path seg : segs.filter(f -> f.toString().endsWith(".m4s")).sorted().toList()) {
                    Files.copy(seg, out);
                }
            }
            Probe.Result m = Probe.probe(concat.toString());
            assertTrue(m.duration() > 29, "init + segments play through: " + m.duration());
        }
    }

    private static List<String> topLevelBoxes(Path file) throws IOException {
        List<String> types = new ArrayList<>();
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long pos = 0;
            ByteBuffer h = ByteBuffer.allocate(16);
            while (pos < ch.size() && types.size() < 8) {
                h.clear();
                ch.read(h, pos);
                h.flip();
                long size = Integer.toUnsignedLong(h.getInt());
                byte[] t = new byte[4];
                h.get(t);
                types.add(new String(t, java.nio.charset.StandardCharsets.US_ASCII));
                if (size == 1) {
                    size = h.getLong();
                } else if (size == 0) {
                    break;
                }
                pos += size;
            }
        }
        return types;
    }
}
