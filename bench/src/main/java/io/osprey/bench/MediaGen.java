package io.osprey.bench;

import io.osprey.testkit.Ffmpeg;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * The benchmark's test media, made once with the bundled ffmpeg (LGPL build: H.264 through libopenh264) and cached:
 * 1280x720, 25 fps, about 1 Mbit/s H.264 with a keyframe every 2 s, AAC 128 kbit/s 44.1 kHz stereo, 60 s, FLV.
 * The same file for every server, so runs on different days and machines are comparable.
 */
public final class MediaGen {

    public static final String NAME = "bench-720p25-1M-2sgop.flv";

    private MediaGen() {
    }

    public static Path ensure(Path dir) throws IOException, InterruptedException {
        return make(dir, NAME, 1280, 720, 1000, 60);
    }

    /** Makes (or finds) a clip of the given size, video bit rate and length. */
    public static Path make(Path dir, String name, int width, int height, int kbps, int seconds)
            throws IOException, InterruptedException {
        Files.createDirectories(dir);
        Path out = dir.resolve(name);
        if (Files.isRegularFile(out) && Files.size(out) > 0) {
            return out;
        }
        System.out.println("making test media " + out + " (" + width + "x" + height + " 25 fps H.264 " + kbps
                + " kbit/s + AAC, " + seconds + " s; once)");
        Path tmp = dir.resolve(name + ".tmp");
        Ffmpeg.Result r = Ffmpeg.run(600, Ffmpeg.ffmpeg(), "-hide_banner", "-nostdin", "-y", "-loglevel", "error",
                "-f", "lavfi", "-i", "testsrc2=size=" + width + "x" + height + ":rate=25",
                "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=44100",
                "-t", String.valueOf(seconds), "-c:v", "libopenh264", "-b:v", kbps + "k", "-maxrate", kbps + "k",
                "-g", "50", "-pix_fmt", "yuv420p",
                "-c:a", "aac", "-b:a", "128k", "-ar", "44100", "-ac", "2", "-f", "flv", tmp.toString());
        if (r.exitCode() != 0) {
            throw new IOException("ffmpeg could not make " + name + ": " + r.stderr());
        }
        Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING);
        return out;
    }

    /** The pass-through source: 720p25 H.264 at 8 Mbit/s + AAC, 50 s, MP4 with moov first: about 50 MB. */
    public static final String PASSTHROUGH = "bench-720p25-8M-50s.mp4";

    public static Path passthroughSource(Path dir) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        Path out = dir.resolve(PASSTHROUGH);
        if (Files.isRegularFile(out) && Files.size(out) > 0) {
            return out;
        }
        System.out.println("making test media " + out + " (1280x720 25 fps H.264 8 Mbit/s + AAC, 50 s; once)");
        Path tmp = dir.resolve("tmp-" + PASSTHROUGH);
        Ffmpeg.Result r = Ffmpeg.run(600, Ffmpeg.ffmpeg(), "-hide_banner", "-nostdin", "-y", "-loglevel", "error",
                "-f", "lavfi", "-i", "testsrc2=size=1280x720:rate=25",
                "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=44100",
                "-t", "50", "-c:v", "libopenh264", "-b:v", "8000k", "-maxrate", "8000k", "-g", "50",
                "-pix_fmt", "yuv420p", "-c:a", "aac", "-b:a", "128k", "-movflags", "+faststart", tmp.toString());
        if (r.exitCode() != 0) {
            throw new IOException("ffmpeg could not make " + PASSTHROUGH + ": " + r.stderr());
        }
        Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING);
        return out;
    }

    /**
     * The first two seconds of {@link #passthroughSource} (copied, {@code moov} first): warm-up downloads for the
     * pass-through bench, each as much once-per-download work in the server as a long one for a fraction of its bytes.
     */
    public static Path passthroughShort(Path dir) throws IOException, InterruptedException {
        Path src = passthroughSource(dir);
        Path out = dir.resolve("short-" + PASSTHROUGH);
        if (Files.isRegularFile(out) && Files.size(out) > 0) {
            return out;
        }
        Path tmp = dir.resolve("tmp-short-" + PASSTHROUGH);
        Ffmpeg.Result r = Ffmpeg.run(120, Ffmpeg.ffmpeg(), "-hide_banner", "-nostdin", "-y", "-loglevel", "error",
                "-i", src.toString(), "-t", "2", "-c", "copy", "-movflags", "+faststart", tmp.toString());
        if (r.exitCode() != 0) {
            throw new IOException("ffmpeg could not cut " + out.getFileName() + ": " + r.stderr());
        }
        Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING);
        return out;
    }
}
