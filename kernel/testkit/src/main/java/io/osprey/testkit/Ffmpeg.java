package io.osprey.testkit;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.bytedeco.javacpp.Loader;

/**
 * The ffmpeg and ffprobe executables bundled in bytedeco's natives (LGPL build: H.264 through libopenh264),
 * so tests need no system ffmpeg. Unpacked once into the JavaCPP cache.
 */
public final class Ffmpeg {

    private static volatile String ffmpeg;
    private static volatile String ffprobe;

    private Ffmpeg() {
    }

    public static synchronized String ffmpeg() {
        if (ffmpeg == null) {
            ffmpeg = Loader.load(org.bytedeco.ffmpeg.ffmpeg.class);
        }
        return ffmpeg;
    }

    public static synchronized String ffprobe() {
        if (ffprobe == null) {
            ffprobe = Loader.load(org.bytedeco.ffmpeg.ffprobe.class);
        }
        return ffprobe;
    }

    /** Starts ffmpeg with {@code args} (after {@code -hide_banner -nostdin}); output goes to {@code log}. */
    public static Process start(Path log, String... args) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(ffmpeg());
        cmd.add("-hide_banner");
        cmd.add("-nostdin");
        cmd.addAll(List.of(args));
        ProcessBuilder pb = withLibraries(new ProcessBuilder(cmd)).redirectErrorStream(true);
        if (log != null) {
            pb.redirectOutput(log.toFile());
        } else {
            pb.redirectOutput(ProcessBuilder.Redirect.DISCARD);
        }
        return pb.start();
    }

    /** Runs a tool to completion and returns its exit code and output. */
    public static Result run(long timeoutSeconds, String tool, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(tool);
        cmd.addAll(List.of(args));
        Process p = withLibraries(new ProcessBuilder(cmd)).redirectErrorStream(false).start();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Thread t1 = pump(p.getInputStream(), out);
        Thread t2 = pump(p.getErrorStream(), err);
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            p.waitFor(5, TimeUnit.SECONDS);
        }
        t1.join(5000);
        t2.join(5000);
        int code = p.isAlive() ? -1 : p.exitValue();
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** The bundled executables find their shared libraries (libav*, libva...) in their own folder. */
    private static ProcessBuilder withLibraries(ProcessBuilder pb) {
        String dir = java.nio.file.Path.of(pb.command().get(0)).getParent().toString();
        String old = pb.environment().get("LD_LIBRARY_PATH");
        pb.environment().put("LD_LIBRARY_PATH", old == null || old.isEmpty() ? dir : dir + ":" + old);
        return pb;
    }

    private static Thread pump(InputStream in, ByteArrayOutputStream out) {
        Thread t = new Thread(() -> {
            try {
                in.transferTo(out);
            } catch (IOException ignored) {
                // process ended
            }
        });
        t.setDaemon(true);
        t.start();
        return t;
    }

    /** What a tool printed. */
    public record Result(int exitCode, String stdout, String stderr) {
    }

    /** Stops a process politely (q on stdin is not available with -nostdin: SIGTERM), then forcibly. */
    public static void stop(Process p) throws InterruptedException {
        if (p == null) {
            return;
        }
        p.destroy();
        if (!p.waitFor(5, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            p.waitFor(5, TimeUnit.SECONDS);
        }
    }
}
