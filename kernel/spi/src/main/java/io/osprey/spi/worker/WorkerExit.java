package io.osprey.spi.worker;

/**
 * How a worker ended, after its process was reaped and its stdout delivered.
 *
 * @param exitCode   the process's exit status (128 + signal when a signal ended it, as a shell reports it)
 * @param killReason why {@link Worker#kill} (or the kernel: timeout, plugin stop, shutdown) ended it; empty if it
 *                   ended on its own
 * @param stderrTail the last bytes the process wrote to stderr, as text (bounded by
 *                   {@link WorkerSpec#stderrTailBytes()})
 * @param stdoutBytes bytes read from its stdout
 * @param durationMs  from start to reaping
 */
public record WorkerExit(int exitCode, String killReason, String stderrTail, long stdoutBytes, long durationMs) {

    public WorkerExit {
        killReason = killReason == null ? "" : killReason;
        stderrTail = stderrTail == null ? "" : stderrTail;
    }

    /** Whether it was killed rather than ending on its own. */
    public boolean killed() {
        return !killReason.isEmpty();
    }

    /** Ended on its own with status 0. */
    public boolean ok() {
        return exitCode == 0 && !killed();
    }

    /** One line for a log: the kill reason, or the exit status and the last line of stderr. */
    public String reason() {
        if (killed()) {
            return "killed: " + killReason;
        }
        String tail = stderrTail.strip();
        int nl = tail.lastIndexOf('\n');
        String last = nl >= 0 ? tail.substring(nl + 1) : tail;
        return "exit status " + exitCode + (last.isEmpty() ? "" : ": " + last);
    }
}
