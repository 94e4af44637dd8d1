package io.osprey.kernel.worker;

import io.osprey.spi.worker.Worker;
import io.osprey.spi.worker.WorkerExit;
import io.osprey.spi.worker.WorkerOutput;
import io.osprey.spi.worker.WorkerSpec;
import java.io.IOException;
import java.io.InputStream;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One child process: a kernel thread reads its stdout in chunks and hands each to the {@link WorkerOutput}, waiting
 * for the consumer's {@code next} before reading on (back-pressure: a slow consumer blocks the child on its pipe);
 * another keeps the tail of stderr. When stdout ends the process is reaped, then {@code onExit} runs once.
 */
final class WorkerProcess implements Worker {

    private static final System.Logger LOG = System.getLogger(WorkerProcess.class.getName());
    private static final int CHUNK = 64 * 1024;

    private final WorkerSpec spec;
    private final Process process;
    private final WorkerOutput output;
    private final WorkerHost host;
    private final String owner;
    private final long started = System.nanoTime();
    private final AtomicReference<String> killReason = new AtomicReference<>();
    private final Semaphore nextChunk = new Semaphore(0);
    private final CompletableFuture<WorkerExit> exit = new CompletableFuture<>();
    private final StderrTail stderr;
    private volatile long stdoutBytes;
    private volatile boolean exited;
    private Thread stderrReader;
    /** What cancels the timeout and the kill grace: run when the process was reaped, so no task outlives it. */
    private final java.util.Queue<Runnable> timers = new java.util.concurrent.ConcurrentLinkedQueue<>();
    private final StdinPump stdin;

    WorkerProcess(WorkerHost host, String owner, WorkerSpec spec, Process process, WorkerOutput output,
                  StdinPump stdin) {
        this.stdin = stdin;
        this.host = host;
        this.owner = owner;
        this.spec = spec;
        this.process = process;
        this.output = output;
        this.stderr = new StderrTail(spec.stderrTailBytes());
    }

    /** Starts the reader threads and the timeout. */
    void begin() {
        stderrReader = host.thread("osprey-worker-" + owner + "-" + pid() + "-err", this::readStderr);
        stderrReader.start();
        host.thread("osprey-worker-" + owner + "-" + pid() + "-out", this::readStdout).start();
        if (stdin != null) {
            host.thread("osprey-worker-" + owner + "-" + pid() + "-in", stdin::run).start();
        }
        if (spec.timeoutMs() > 0) {
            timers.add(host.schedule(() -> kill("timed out after " + spec.timeoutMs() + " ms"), spec.timeoutMs()));
        }
    }

    @Override
    public long pid() {
        return process.pid();
    }

    @Override
    public String name() {
        return spec.name();
    }

    WorkerSpec spec() {
        return spec;
    }

    String owner() {
        return owner;
    }

    @Override
    public boolean isAlive() {
        return process.isAlive();
    }

    @Override
    public io.osprey.spi.worker.WorkerInput input() {
        if (stdin == null) {
            throw new IllegalStateException("worker " + spec.name() + " was started without stdin");
        }
        return stdin;
    }

    @Override
    public CompletionStage<WorkerExit> exit() {
        return exit.minimalCompletionStage();
    }

    @Override
    public void kill(String reason) {
        if (!killReason.compareAndSet(null, reason == null || reason.isEmpty() ? "killed" : reason)) {
            return;
        }
        nextChunk.release(); // a reader waiting for the consumer goes on (and discards)
        if (stdin != null) {
            stdin.abort();
        }
        if (!process.isAlive()) {
            return;
        }
        host.killed(this);
        process.descendants().forEach(ProcessHandle::destroy);
        process.destroy();
        timers.add(host.schedule(this::forceIfAlive, spec.killGraceMs()));
    }

    /** SIGKILL now (shutdown, or the grace ran out). */
    void forceIfAlive() {
        if (process.isAlive()) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
        }
    }

    private void readStdout() {
        java.nio.channels.FileChannel pipe = spec.tool() == io.osprey.spi.worker.Tool.EXTERNAL ? null
                : StdoutPipe.open(process);
        if (pipe != null) {
            readStdout(pipe);
        }
        readStdoutStream(); // all of it, or after the channel what the JDK's reaper took from the pipe (StdoutPipe)
        finish();
    }

    /**
     * The bundled tools' stdout, read into a direct buffer of this worker's and lent to the consumer as it is (no
     * copy on the way to a socket). Not pooled: after a kill the consumer may still be writing from it, and that
     * must never be another worker's bytes.
     */
    private void readStdout(java.nio.channels.FileChannel pipe) {
        ByteBuffer buf = ByteBuffer.allocateDirect(CHUNK);
        ByteBuffer lent = buf.asReadOnlyBuffer();
        try (pipe) {
            int n;
            while ((n = StdoutPipe.read(pipe, buf)) >= 0) {
                if (n == 0 || killReason.get() != null) {
                    continue; // killed: drain so the child never blocks on a full pipe while it ends
                }
                stdoutBytes += n;
                output.onData(lent.limit(n).position(0), nextChunk::release);
                nextChunk.acquireUninterruptibly();
            }
        } catch (IOException e) {
            // the pipe closed under us: the process is ending
        } catch (Throwable t) {
            LOG.log(Level.WARNING, "worker " + spec.name() + " (plugin " + owner + "): its output consumer threw", t);
            kill("output consumer failed: " + t);
        }
    }

    private void readStdoutStream() {
        byte[] buf = new byte[CHUNK];
        try (InputStream in = process.getInputStream()) {
            int n;
            while ((n = in.read(buf)) >= 0) {
                if (n == 0 || killReason.get() != null) {
                    continue; // killed: drain so the child never blocks on a full pipe while it ends
                }
                stdoutBytes += n;
                output.onData(ByteBuffer.wrap(buf, 0, n).asReadOnlyBuffer(), nextChunk::release);
                nextChunk.acquireUninterruptibly();
            }
        } catch (IOException e) {
            // the pipe closed under us: the process is ending
        } catch (Throwable t) {
            LOG.log(Level.WARNING, "worker " + spec.name() + " (plugin " + owner + "): its output consumer threw", t);
            kill("output consumer failed: " + t);
        }
    }

    private void readStderr() {
        StderrLog log = host.stderrLog(owner, spec);
        LineSplitter lines = new LineSplitter(line -> {
            if (exited) {
                return; // a descendant kept stderr open after the reap: onExit has run
            }
            try {
                output.onStderrLine(line);
            } catch (Throwable t) {
                LOG.log(Level.WARNING, "worker " + spec.name() + " (plugin " + owner + "): onStderrLine threw", t);
            }
            if (log != null) {
                log.line(line);
            }
        });
        try (InputStream in = process.getErrorStream()) {
            byte[] buf = new byte[4096];
            int n;
            while ((n = in.read(buf)) >= 0) {
                stderr.append(buf, n);
                lines.accept(buf, n);
            }
        } catch (IOException ignored) {
            // the pipe closed: the process ended
        }
        lines.flush();
    }

    private void finish() {
        int code;
        try {
            while (!process.waitFor(1, TimeUnit.SECONDS)) {
                // stdout closed but the process lives on (it closed its stdout itself): wait for it, bounded by a kill
                if (killReason.get() == null && spec.timeoutMs() == 0) {
                    continue;
                }
                forceIfAlive();
            }
            code = process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            forceIfAlive();
            code = -1;
        }
        try {
            stderrReader.join(1000); // it ends with the process; the tail is complete then
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (Runnable cancel; (cancel = timers.poll()) != null; ) {
            cancel.run();
        }
        if (stdin != null) {
            stdin.abort();
        }
        WorkerExit result = new WorkerExit(code, killReason.get(), stderr.text(), stdoutBytes,
                (System.nanoTime() - started) / 1_000_000);
        host.ended(this, result);
        exited = true;
        try {
            output.onExit(result);
        } catch (Throwable t) {
            LOG.log(Level.WARNING, "worker " + spec.name() + " (plugin " + owner + "): onExit threw", t);
        }
        exit.complete(result);
    }

    /** Cuts stderr into lines at {@code \n} or {@code \r} (ffmpeg's progress line ends with the latter). */
    static final class LineSplitter {
        static final int MAX_LINE = 4096;
        private final java.util.function.Consumer<String> sink;
        private final java.io.ByteArrayOutputStream line = new java.io.ByteArrayOutputStream();

        LineSplitter(java.util.function.Consumer<String> sink) {
            this.sink = sink;
        }

        void accept(byte[] b, int n) {
            for (int i = 0; i < n; i++) {
                if (b[i] == '\n' || b[i] == '\r') {
                    flush();
                } else if (line.size() < MAX_LINE) {
                    line.write(b[i]);
                }
            }
        }

        /** Emits the pending line, if it has any text. */
        void flush() {
            String text = line.toString(StandardCharsets.UTF_8).strip();
            line.reset();
            if (!text.isEmpty()) {
                sink.accept(text);
            }
        }
    }

    /** The last bytes of stderr, kept in a ring. */
    private static final class StderrTail {
        private final byte[] ring;
        private long written;

        StderrTail(int size) {
            this.ring = new byte[Math.max(1, size)];
        }

        synchronized void append(byte[] b, int n) {
            for (int i = 0; i < n; i++) {
                ring[(int) (written++ % ring.length)] = b[i];
            }
        }

        synchronized String text() {
            int len = (int) Math.min(written, ring.length);
            byte[] out = new byte[len];
            long start = written - len;
            for (int i = 0; i < len; i++) {
                out[i] = ring[(int) ((start + i) % ring.length)];
            }
            return new String(out, StandardCharsets.UTF_8);
        }
    }
}
