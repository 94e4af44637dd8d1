package io.osprey.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Test clips made with the bundled ffmpeg, cached under {@code target/test-media}: H.264 (openh264) + AAC in FLV,
 * 25 fps, 1 s GOP, a moving test pattern and a tone, so every run uses the same kind of media.
 */
public final class TestMedia {

    private TestMedia() {
    }

    /** A {@code seconds}-long 640x360 H.264 + AAC FLV clip at about {@code kbps} kbit/s video. */
    public static synchronized Path h264Aac(int seconds, int kbps) throws IOException, InterruptedException {
        return make("h264-aac-" + seconds + "s-" + kbps + "k.flv", "-f", "lavfi", "-i",
                "testsrc2=size=640x360:rate=25", "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=44100",
                "-t", String.valueOf(seconds), "-c:v", "libopenh264", "-b:v", kbps + "k", "-g", "25",
                "-pix_fmt", "yuv420p", "-c:a", "aac", "-b:a", "64k", "-ar", "44100", "-ac", "2", "-f", "flv");
    }

    private static Path make(String name, String... args) throws IOException, InterruptedException {
        Path dir = Path.of("target", "test-media").toAbsolutePath();
        Files.createDirectories(dir);
        Path out = dir.resolve(name);
        if (Files.isRegularFile(out) && Files.size(out) > 0) {
            return out;
        }
        Path tmp = dir.resolve(name + ".tmp");
        String[] all = new String[args.length + 4];
        all[0] = "-hide_banner";
        all[1] = "-y";
        System.arraycopy(args, 0, all, 2, args.length);
        all[all.length - 2] = "-loglevel";
        all[all.length - 1] = "error";
        String[] withOut = new String[all.length + 1];
        System.arraycopy(all, 0, withOut, 0, all.length);
        withOut[all.length] = tmp.toString();
        Ffmpeg.Result r = Ffmpeg.run(120, Ffmpeg.ffmpeg(), withOut);
        if (r.exitCode() != 0) {
            throw new IOException("ffmpeg could not make " + name + ": " + r.stderr());
        }
        Files.move(tmp, out, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        return out;
    }
}
