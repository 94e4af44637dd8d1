package io.osprey.kernel.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.osprey.spi.worker.Tool;
import io.osprey.spi.worker.WorkerExit;
import io.osprey.spi.worker.WorkerOutput;
import io.osprey.spi.worker.WorkerSpec;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A bundled tool's stdout read into direct buffers through its pipe reopened, and an external one's as a stream. */
class StdoutPipeTest {

    /** 100 frames of a 64x48 test pattern as rgb24: 921,600 bytes, many pipe reads. */
    private static final List<String> PATTERN = List.of("-v", "error", "-f", "lavfi", "-i",
            "testsrc2=size=64x48:rate=25", "-frames:v", "100", "-pix_fmt", "rgb24", "-f", "rawvideo", "pipe:1");

    @TempDir
    Path data;
    private final ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(1);
    private WorkerHost host;

    @AfterEach
    void stop() {
        if (host != null) {
            host.close();
        }
        scheduler.shutdownNow();
    }

    @Test
    void aBundledToolsStdoutArrivesWholeInDirectBuffersAndLeavesNoDescriptor() throws Exception {
        host = new WorkerHost(scheduler, data, new PrometheusRegistry());
        byte[] ref = reference(PATTERN); // the same command run by the test itself, its stdout read as a stream
        assertEquals(921_600, ref.length);
        host.forPlugin("t").run(WorkerSpec.of(Tool.FFMPEG, "warm", PATTERN), 1 << 21).toCompletableFuture()
                .get(20, TimeUnit.SECONDS); // loads what the JVM keeps open
        int fds0 = openDescriptors();
        Collected c = collect(WorkerSpec.of(Tool.FFMPEG, "pattern", PATTERN));
        assertTrue(c.exit.ok(), c.exit.reason());
        assertEquals(921_600, c.exit.stdoutBytes());
        assertTrue(java.util.Arrays.equals(ref, c.bytes.toByteArray()), "the same bytes in the same order");
        assertTrue(c.direct.get(), "every chunk is a direct buffer");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (openDescriptors() > fds0 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        // at most as many as before: descriptors of earlier work (the warm-up child's, other tests') may close
        // meanwhile (CI once saw 73 before and 71 after), but neither pipe end of this child may stay open
        int fds1 = openDescriptors();
        assertTrue(fds1 <= fds0, "the reopened pipe and the original read end are both closed: " + fds0 + " before, "
                + fds1 + " after");
    }

    @Test
    void whatTheJdkTakesFromThePipeWhenTheChildEndsComesLastAndWhole() throws Exception {
        host = new WorkerHost(scheduler, data, new PrometheusRegistry());
        // 4 frames, 36,864 bytes: after the first chunk the rest fits in the pipe, so the child ends while the
        // first chunk is held, and the JDK's reaper moves the rest into the stream
        List<String> four = new java.util.ArrayList<>(PATTERN);
        four.set(four.indexOf("100"), "4");
        byte[] ref = reference(four);
        assertEquals(36_864, ref.length);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        CompletableFuture<WorkerExit> exit = new CompletableFuture<>();
        CompletableFuture<Runnable> first = new CompletableFuture<>();
        io.osprey.spi.worker.Worker w = host.forPlugin("t").start(WorkerSpec.of(Tool.FFMPEG, "four", four),
                new WorkerOutput() {
                    @Override
                    public void onData(ByteBuffer d, Runnable next) {
                        byte[] b = new byte[d.remaining()];
                        d.get(b);
                        synchronized (bytes) {
                            bytes.write(b, 0, b.length);
                        }
                        if (!first.complete(next)) {
                            next.run();
                        }
                    }

                    @Override
                    public void onExit(WorkerExit e) {
                        exit.complete(e);
                    }
                });
        Runnable next = first.get(20, TimeUnit.SECONDS);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (ProcessHandle.of(w.pid()).map(ProcessHandle::isAlive).orElse(false) && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertFalse(ProcessHandle.of(w.pid()).map(ProcessHandle::isAlive).orElse(false), "ended while held");
        Thread.sleep(200); // the reaper thread drains the pipe right after the child ends
        next.run();
        WorkerExit e = exit.get(20, TimeUnit.SECONDS);
        assertTrue(e.ok(), e.reason());
        synchronized (bytes) {
            assertTrue(java.util.Arrays.equals(ref, bytes.toByteArray()), "all " + ref.length + " bytes in order, got "
                    + bytes.size());
        }
    }

    @Test
    void anExternalToolsStdoutIsReadAsAStream() throws Exception {
        host = new WorkerHost(scheduler, data, new PrometheusRegistry());
        Collected c = collect(WorkerSpec.external("/bin/sh", "printf", List.of("-c", "printf 'abc'")));
        assertTrue(c.exit.ok(), c.exit.reason());
        assertEquals("abc", c.bytes.toString(java.nio.charset.StandardCharsets.US_ASCII));
        assertFalse(c.direct.get());
    }

    private byte[] reference(List<String> args) throws Exception {
        Path ffmpeg = host.executable(Tool.FFMPEG);
        List<String> cmd = new java.util.ArrayList<>(List.of(ffmpeg.toString(), "-nostdin"));
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD);
        pb.environment().put("LD_LIBRARY_PATH", ffmpeg.getParent().toString());
        Process p = pb.start();
        byte[] ref = p.getInputStream().readAllBytes();
        assertEquals(0, p.waitFor());
        return ref;
    }

    private static int openDescriptors() {
        String[] fds = new File("/proc/self/fd").list();
        return fds == null ? -1 : fds.length;
    }

    private record Collected(ByteArrayOutputStream bytes, AtomicBoolean direct, WorkerExit exit) {
    }

    private Collected collect(WorkerSpec spec) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        AtomicBoolean direct = new AtomicBoolean(true);
        CompletableFuture<WorkerExit> exit = new CompletableFuture<>();
        host.forPlugin("t").start(spec, new WorkerOutput() {
            @Override
            public void onData(ByteBuffer d, Runnable next) {
                direct.compareAndSet(true, d.isDirect());
                byte[] b = new byte[d.remaining()];
                d.get(b);
                synchronized (bytes) {
                    bytes.write(b, 0, b.length);
                }
                next.run();
            }

            @Override
            public void onExit(WorkerExit e) {
                exit.complete(e);
            }
        });
        WorkerExit e = exit.get(20, TimeUnit.SECONDS);
        synchronized (bytes) {
            return new Collected(bytes, direct, e);
        }
    }
}
