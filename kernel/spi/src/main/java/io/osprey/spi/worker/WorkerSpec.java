package io.osprey.spi.worker;

import java.util.List;
import java.util.Objects;

/**
 * What to run: the tool, its arguments (passed as they are: no shell, no quoting, no globbing) and the bounds the
 * kernel enforces. Immutable; the {@code with...} methods return copies.
 *
 * <pre>{@code
 * WorkerSpec spec = WorkerSpec.of(Tool.FFMPEG, "download 12", List.of("-i", url, "-c", "copy", "-f", "mp4", "pipe:1"))
 *         .withTimeoutMs(0)          // no overall limit: a download runs as long as its client reads
 *         .withKillGraceMs(500);     // SIGTERM, then SIGKILL after 0.5 s
 * }</pre>
 *
 * @param tool            what to run
 * @param executable      the executable for {@link Tool#EXTERNAL}; empty otherwise
 * @param name            a short label for logs and metrics (no secrets: it is logged)
 * @param args            the arguments after the executable; the kernel prepends {@code -hide_banner} for ffmpeg and ffprobe and
 *                        {@code -nostdin} for ffmpeg
 * @param timeoutMs       the child is killed this long after it started; 0 for no limit
 * @param killGraceMs     after {@link Worker#kill}'s SIGTERM, how long before SIGKILL
 * @param stderrTailBytes how much of the end of stderr is kept for {@link WorkerExit#stderrTail()}
 * @param stderrLogPerMinute since 1.2: each stderr line is logged as the child writes it (WARNING, prefixed with
 *                        {@code name}, passwords in URLs masked), at most this many lines a minute per plugin and
 *                        name (so a source restarting every second shares one budget across its runs; the lines
 *                        passed over are counted in the next one logged); 0 (the default) logs nothing live
 */
public record WorkerSpec(Tool tool, String executable, String name, List<String> args, long timeoutMs,
                         long killGraceMs, int stderrTailBytes, int stderrLogPerMinute) {

    public WorkerSpec {
        Objects.requireNonNull(tool, "tool");
        executable = executable == null ? "" : executable;
        if (tool == Tool.EXTERNAL && executable.isBlank()) {
            throw new IllegalArgumentException("an EXTERNAL worker needs an executable");
        }
        name = name == null || name.isBlank() ? tool.name().toLowerCase() : name;
        args = List.copyOf(args);
        if (timeoutMs < 0 || killGraceMs < 0 || stderrTailBytes < 0 || stderrLogPerMinute < 0) {
            throw new IllegalArgumentException("negative bound in worker spec " + name);
        }
    }

    /** The 1.0 constructor: no live stderr log. */
    public WorkerSpec(Tool tool, String executable, String name, List<String> args, long timeoutMs,
                      long killGraceMs, int stderrTailBytes) {
        this(tool, executable, name, args, timeoutMs, killGraceMs, stderrTailBytes, 0);
    }

    /** ffmpeg or ffprobe with {@code args}, no timeout, a 1 s kill grace and a 4 KiB stderr tail. */
    public static WorkerSpec of(Tool tool, String name, List<String> args) {
        return new WorkerSpec(tool, "", name, args, 0, 1000, 4096, 0);
    }

    /** An operator-configured executable with {@code args}. */
    public static WorkerSpec external(String executable, String name, List<String> args) {
        return new WorkerSpec(Tool.EXTERNAL, executable, name, args, 0, 1000, 4096, 0);
    }

    public WorkerSpec withTimeoutMs(long ms) {
        return new WorkerSpec(tool, executable, name, args, ms, killGraceMs, stderrTailBytes, stderrLogPerMinute);
    }

    public WorkerSpec withKillGraceMs(long ms) {
        return new WorkerSpec(tool, executable, name, args, timeoutMs, ms, stderrTailBytes, stderrLogPerMinute);
    }

    public WorkerSpec withStderrTailBytes(int bytes) {
        return new WorkerSpec(tool, executable, name, args, timeoutMs, killGraceMs, bytes, stderrLogPerMinute);
    }

    /**
     * Logs stderr live, at most {@code linesPerMinute} lines a minute for this plugin and name; 0 turns it off.
     * For a long-running job whose warnings matter while it runs (a camera's decode errors, a transcoder's dropped
     * frames), not only in the tail reported at its end:
     *
     * <pre>{@code
     * WorkerSpec.of(Tool.FFMPEG, "source cams/door", args).withStderrLog(6)
     * // logs: source cams/door: [rtsp @ 0x55d0c8] RTP: missed 12 packets
     * }</pre>
     *
     * @since 1.2
     */
    public WorkerSpec withStderrLog(int linesPerMinute) {
        return new WorkerSpec(tool, executable, name, args, timeoutMs, killGraceMs, stderrTailBytes, linesPerMinute);
    }
}
