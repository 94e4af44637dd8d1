package io.osprey.plugin.passthrough;

import io.osprey.testkit.Ffmpeg;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Sources made once with the bundled ffmpeg under {@code target/passthrough-media}: an H.264 video-only MP4, an
 * AAC audio-only M4A (both 6 s) and an HLS VOD playlist of TS segments with both, plus a file that is not media.
 */
final class Media {

    static final double SECONDS = 6;

    private Media() {
    }

    static synchronized Path dir() throws IOException, InterruptedException {
        Path d = Path.of("target", "passthrough-media").toAbsolutePath();
        Files.createDirectories(d);
        make(d, "video.mp4", "-f", "lavfi", "-i", "testsrc2=size=640x360:rate=25", "-t", "6",
                "-c:v", "libopenh264", "-b:v", "1500k", "-g", "25", "-pix_fmt", "yuv420p", "-movflags", "+faststart");
        make(d, "audio.m4a", "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=44100", "-t", "6",
                "-c:a", "aac", "-b:a", "128k");
        if (!Files.exists(d.resolve("hls/index.m3u8"))) {
            Files.createDirectories(d.resolve("hls"));
            run(List.of("-f", "lavfi", "-i", "testsrc2=size=640x360:rate=25", "-f", "lavfi", "-i",
                    "sine=frequency=440:sample_rate=44100", "-t", "6", "-c:v", "libopenh264", "-b:v", "800k", "-g", "25",
                    "-pix_fmt", "yuv420p", "-c:a", "aac", "-f", "hls", "-hls_time", "2", "-hls_playlist_type", "vod",
                    "-hls_segment_filename", d.resolve("hls/seg%d.ts").toString(), d.resolve("hls/index.m3u8").toString()));
            Files.writeString(d.resolve("hls/master.m3u8"), "#EXTM3U\n"
                    + "#EXT-X-STREAM-INF:BANDWIDTH=200000,RESOLUTION=320x180\nmissing-low.m3u8\n"
                    + "#EXT-X-STREAM-INF:BANDWIDTH=1200000,RESOLUTION=640x360\nindex.m3u8\n");
        }
        if (!Files.exists(d.resolve("page.html"))) {
            Files.writeString(d.resolve("page.html"), "<html><body>not media</body></html>\n".repeat(200));
            byte[] noise = new byte[200_000];
            new java.util.Random(1).nextBytes(noise);
            Files.write(d.resolve("noise.bin"), noise);
        }
        return d;
    }

    private static void make(Path d, String name, String... args) throws IOException, InterruptedException {
        if (Files.isRegularFile(d.resolve(name))) {
            return;
        }
        List<String> a = new ArrayList<>(List.of(args));
        a.add(d.resolve(name + ".tmp.mp4").toString());
        run(a);
        Files.move(d.resolve(name + ".tmp.mp4"), d.resolve(name));
    }

    private static void run(List<String> args) throws IOException, InterruptedException {
        List<String> a = new ArrayList<>(List.of("-hide_banner", "-y", "-loglevel", "error"));
        a.addAll(args);
        Ffmpeg.Result r = Ffmpeg.run(120, Ffmpeg.ffmpeg(), a.toArray(String[]::new));
        if (r.exitCode() != 0) {
            throw new IOException("ffmpeg failed: " + r.stderr());
        }
    }
}
