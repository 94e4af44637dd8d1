package io.osprey.spi.worker;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.CompletionStage;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The kernel's worker service, as one plugin sees it ({@code PluginContext.workers()}): starts supervised child
 * processes so that native work (remuxing, probing, later pulled sources and transcoding) runs where a crash ends
 * one job, never the server.
 *
 * <p><b>Ownership.</b> Every worker started here belongs to the calling plugin: when the plugin stops, the kernel
 * kills each of its workers that is still running and waits (bounded) for it to be reaped; at JVM shutdown every
 * worker of every plugin is killed. The kernel also records each child's pid in the data folder, so a child left
 * behind by a {@code kill -9} of the server is killed at the next start; a child writing to a pipe whose reader is
 * gone dies of {@code SIGPIPE} at its next write, and one stalled on input should be given an I/O timeout.
 *
 * <p><b>Threading.</b> All methods are thread-safe and return without waiting for the child. {@link #start} may be
 * called on a Jetty thread (fork and exec take about a millisecond); the first call resolves the bundled
 * executables (about half a second, once per server) unless {@link #executable} was called before.
 *
 * <pre>{@code
 * Workers workers = ctx.workers();
 * workers.run(WorkerSpec.of(Tool.FFPROBE, "probe", List.of("-print_format", "json", "-show_streams", url))
 *         .withTimeoutMs(10_000), 1 << 20)
 *     .thenAccept(r -> { if (r.exit().ok()) parse(r.stdoutText()); else log(r.exit().reason()); });
 * }</pre>
 *
 * <p>Supervision of long-running jobs (restart with back-off) is meant to be built on {@link Worker#exit()}.
 */
@ProviderType
public interface Workers {

    /**
     * Starts a child; its stdout goes to {@code output} and its end is reported to it.
     *
     * @throws IOException           if the process cannot be started (the reason names the executable)
     * @throws IllegalStateException if the plugin has stopped
     */
    Worker start(WorkerSpec spec, WorkerOutput output) throws IOException;

    /**
     * Starts a child as {@link #start} does, with its stdin open and fed through {@link Worker#input()}: a queue of
     * at most {@code maxQueuedBytes} that a kernel thread writes into the pipe (ffmpeg then runs without
     * {@code -nostdin}; give it {@code -i pipe:0}). When the child ends or is killed, the queue is dropped.
     *
     * @throws IOException           if the process cannot be started
     * @throws IllegalStateException if the plugin has stopped
     * @throws IllegalArgumentException if {@code maxQueuedBytes} is below 1
     * @since 1.1
     */
    Worker startWithInput(WorkerSpec spec, int maxQueuedBytes, WorkerOutput output) throws IOException;

    /**
     * Runs a child to its end, keeping at most {@code maxStdoutBytes} of stdout; a child that writes more is killed
     * (reason {@code "stdout over N bytes"}). The stage fails only if the process could not be started.
     */
    CompletionStage<WorkerResult> run(WorkerSpec spec, int maxStdoutBytes);

    /**
     * The path of the executable a tool runs ({@link Tool#FFMPEG}, {@link Tool#FFPROBE}), resolving the bundled
     * natives on first use (blocking, about half a second once per server).
     *
     * @throws IllegalArgumentException for {@link Tool#EXTERNAL}
     * @throws IllegalStateException if the natives cannot be loaded on this platform
     */
    Path executable(Tool tool);

    /** Workers of this plugin running now. */
    int running();
}
