package io.osprey.plugin.sources;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Back-off, URL rules, argument building and redaction: the parts of a source with no process in them. */
class BackoffTest {

    @Test
    void delaysDoubleUpToTheMaximumWithJitterAndReset() {
        Backoff b = new Backoff(500, 4000, () -> 0.0);
        assertEquals(500, b.next());
        assertEquals(1000, b.next());
        assertEquals(2000, b.next());
        assertEquals(4000, b.next());
        assertEquals(4000, b.next());
        b.reset();
        assertEquals(500, b.next());
        Backoff jittered = new Backoff(1000, 60_000, () -> 0.999);
        long d = jittered.next();
        assertTrue(d > 1000 && d <= 1250, "up to 25% jitter: " + d);
    }

    @Test
    void onlyMediaUrlsAreAccepted() {
        assertNull(spec("rtsp://admin:pw@10.0.0.5:554/stream1").problem("cams/door"));
        assertNull(spec("srt://10.0.0.5:9000?mode=caller").problem("cams/srt"));
        assertNull(spec("/media/clip.mp4").problem("files/clip"));
        assertNull(spec("file:///media/clip.mp4").problem("files/clip"));
        assertTrue(spec("concat:/etc/passwd|/etc/hosts").problem("a/b").startsWith("url must be"));
        assertTrue(spec("subfile,,start,0,end,10,,:/etc/passwd").problem("a/b").startsWith("url must be"));
        assertTrue(spec("pipe:0").problem("a/b").startsWith("url must be"));
        assertTrue(spec("relative/clip.mp4").problem("a/b").startsWith("url must be"));
        assertTrue(spec("http://h/x\n-y").problem("a/b").contains("control"));
        assertTrue(spec("rtsp://cam/x").problem("not-a-key").startsWith("not a stream key"));
        SourceSpec loopNet = spec("rtsp://cam/x");
        loopNet.loop = true;
        assertTrue(loopNet.problem("a/b").contains("local files"));
    }

    @Test
    void argumentsCopyVideoAndConvertAudioWhenAsked() {
        SourcesConfig config = new SourcesConfig();
        SourceSpec file = spec("/m/clip.mkv");
        file.loop = true;
        List<String> a = FfmpegCommand.ffmpeg(file, true, config);
        assertEquals(List.of("-loglevel", "warning", "-re", "-stream_loop", "-1", "-i", "file:/m/clip.mkv", "-map",
                "0:v:0?", "-map", "0:a:0?", "-c:v", "copy", "-c:a", "aac", "-b:a", "128k", "-f", "flv", "-flvflags",
                "no_duration_filesize", "pipe:1"), a);
        List<String> rtsp = FfmpegCommand.ffmpeg(spec("rtsp://cam/x"), false, config);
        assertTrue(String.join(" ", rtsp).startsWith("-loglevel warning -rtsp_transport tcp -timeout 10000000 -i"),
                rtsp.toString());
        assertTrue(rtsp.contains("copy") && !rtsp.contains("-re"));
        assertTrue(FfmpegCommand.autoConverts("pcm_s16le"));
        assertTrue(FfmpegCommand.autoConverts("pcm_alaw"));
        assertTrue(FfmpegCommand.autoConverts("mp2"));
        assertTrue(FfmpegCommand.autoConverts("opus"));
        assertTrue(FfmpegCommand.autoConverts("mp3"));
        assertTrue(!FfmpegCommand.autoConverts("aac") && !FfmpegCommand.autoConverts(""));
    }

    @Test
    void passwordsAreHidden() {
        assertEquals("rtsp://admin:***@cam/x", Redact.url("rtsp://admin:secret@cam/x"));
        assertEquals("error opening rtsp://u:***@h:554/s: refused", Redact.url("error opening rtsp://u:p@h:554/s: refused"));
        assertEquals("rtsp://cam/x", Redact.url("rtsp://cam/x"));
    }

    private static SourceSpec spec(String url) {
        SourceSpec s = new SourceSpec();
        s.url = url;
        return s;
    }
}
