package io.osprey.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.osprey.testkit.Await;
import io.osprey.testkit.Ffmpeg;
import io.osprey.testkit.Probe;
import io.osprey.testkit.TestServer;
import java.io.IOException;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code onDemand: false} and per-rendition {@code audioKbps}: ffmpeg publishes 320x240 H.264 with MP3 audio (not
 * AAC, so the ladder encodes audio); the ladder starts at the publish with nobody watching, and each rendition
 * carries AAC at its own configured rate.
 */
class TranscodeOnPublishIT {

    private static final String LADDER = "[{name: hi, height: 120, videoKbps: 160, audioKbps: 64},"
            + " {name: lo, height: 72, videoKbps: 80, audioKbps: 32}]";
    private static TestServer server;
    private static Process publisher;

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.start("plugins.transcode.ladders.live=" + LADDER, "plugins.transcode.onDemand=false");
        // noise keeps the AAC encoders at their configured rate (a pure tone needs far fewer bits)
        publisher = Ffmpeg.start(null, "-re", "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=15", "-f", "lavfi",
                "-i", "anoisesrc=sample_rate=44100:amplitude=0.2", "-t", "120", "-c:v", "libopenh264", "-b:v", "300k",
                "-g", "15", "-c:a", "libmp3lame", "-b:a", "128k", "-ar", "44100", "-f", "flv",
                server.rtmp("/live/cam"));
        Await.until("live/cam is live", Duration.ofSeconds(20), () -> server.status("/live/cam.flv") == 200);
    }

    @AfterAll
    static void stop() throws Exception {
        if (publisher != null) {
            Ffmpeg.stop(publisher);
        }
        server.close();
    }

    @Test
    void theLadderRunsForThePublishWithNoViewerAndEachRenditionHasItsAudioRate() throws Exception {
        // nobody has asked for a rendition or a master playlist: the publish alone started the ladder, and its
        // renditions are being encoded (frames per second measured by the plugin)
        Await.until("the ladder encodes with no viewer", Duration.ofSeconds(30), () -> {
            String body = api();
            return body.contains("\"source\":\"live/cam\"") && body.matches("(?s).*\"hi\":[1-9].*")
                    && body.matches("(?s).*\"lo\":[1-9].*");
        });
        String api = server.get("/api/transcode").body();
        assertTrue(api.contains("\"onDemand\":false"), api);

        Probe.Result hi = Probe.probe(server.http("/live/cam_hi.flv"), "-read_intervals", "%+1");
        assertEquals(120, hi.video().height(), hi.raw());
        assertEquals("aac", hi.audio().codec(), "MP3 is encoded to AAC: " + hi.raw());
        assertEquals(72, Probe.probe(server.http("/live/cam_lo.flv"), "-read_intervals", "%+1").video().height());
        double hiKbps = audioKbps(server.http("/live/cam_hi.flv"), 4);
        double loKbps = audioKbps(server.http("/live/cam_lo.flv"), 4);
        assertTrue(hiKbps > 64 * 0.75 && hiKbps < 64 * 1.25, "hi audio at " + hiKbps + " kbit/s, configured 64");
        assertTrue(loKbps > 32 * 0.75 && loKbps < 32 * 1.25, "lo audio at " + loKbps + " kbit/s, configured 32");
    }

    private static String api() {
        try {
            return server.get("/api/transcode").body();
        } catch (IOException | InterruptedException e) {
            return "";
        }
    }

    /** Audio kbit/s of {@code seconds} of a live FLV stream, from its packet sizes and timestamps. */
    private static double audioKbps(String url, int seconds) throws Exception {
        Ffmpeg.Result r = Ffmpeg.run(60, Ffmpeg.ffprobe(), "-v", "error", "-select_streams", "a:0", "-read_intervals",
                "%+" + seconds, "-show_entries", "packet=pts_time,size", "-of", "csv=p=0", url);
        assertEquals(0, r.exitCode(), r.stderr());
        long bytes = 0;
        double first = -1;
        double last = 0;
        for (String l : r.stdout().lines().toList()) {
            String[] f = l.split(",");
            double t = Double.parseDouble(f[0]);
            first = first < 0 ? t : first;
            last = t;
            bytes += Long.parseLong(f[1]);
        }
        assertTrue(last - first > seconds / 2.0, "read " + (last - first) + " s of audio from " + url);
        return bytes * 8 / 1000.0 / (last - first);
    }
}
