package io.osprey.plugin.passthrough;

import io.osprey.spi.worker.WorkerExit;
import java.util.Locale;

/** The status and reason for a remux or probe that failed before any output, from ffmpeg's stderr. */
final class FfmpegErrors {

    private FfmpegErrors() {
    }

    /** @param ioTimeoutMs the {@code -rw_timeout} the job ran with: an I/O error after that long is a stall */
    static Refusal refusal(WorkerExit exit, long ioTimeoutMs) {
        String tail = exit.stderrTail().toLowerCase(Locale.ROOT);
        if (exit.killed() && exit.killReason().startsWith("timed out")) {
            return new Refusal(504, "the source took too long: " + exit.killReason());
        }
        if (tail.contains("server returned 404") || tail.contains("server returned 410")) {
            return new Refusal(404, "the source answered 404 Not Found");
        }
        if (tail.contains("server returned 4") || tail.contains("server returned 5")) {
            return new Refusal(502, "the source refused: " + lastLine(exit));
        }
        if (tail.contains("timed out")
                || (tail.contains("input/output error") && exit.durationMs() >= ioTimeoutMs)) {
            return new Refusal(504, "the source stalled: " + lastLine(exit));
        }
        if (tail.contains("invalid data found") || tail.contains("moov atom not found")
                || tail.contains("could not find codec parameters") || tail.contains("does not contain any stream")
                || tail.contains("matches no streams") || tail.contains("could not write header")
                || tail.contains("incorrect codec parameters")) {
            return new Refusal(415, "the source is not playable media: " + lastLine(exit));
        }
        if (exit.ok()) {
            return new Refusal(502, "the source gave no media");
        }
        return new Refusal(502, "remux failed: " + exit.reason());
    }

    private static String lastLine(WorkerExit exit) {
        String t = exit.stderrTail().strip();
        int nl = t.lastIndexOf('\n');
        String l = nl >= 0 ? t.substring(nl + 1) : t;
        return l.length() > 300 ? l.substring(0, 300) : l;
    }
}
