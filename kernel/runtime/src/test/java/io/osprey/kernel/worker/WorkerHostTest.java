package io.osprey.kernel.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.osprey.spi.worker.Tool;
import io.osprey.spi.worker.Worker;
import io.osprey.spi.worker.WorkerExit;
import io.osprey.spi.worker.WorkerOutput;
import io.osprey.spi.worker.WorkerResult;
import io.osprey.spi.worker.WorkerSpec;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The worker service with the real bundled ffmpeg: output with back-pressure, kill, timeout, plugin stop, pids. */
class WorkerHostTest {

    /** ten seconds of a test pattern as raw video on stdout: plenty of output, and slow enough to kill mid-way */
    private static final List<String> ENDLESS = List.of("-v", "error", "-re", "-f", "lavfi", "-i",
            "testsrc2=size=320x240:rate=25", "-t", "10", "-f", "rawvideo", "pipe:1");

    @TempDir
    Path data;
    private final java.util.concurrent.ScheduledThreadPoolExecutor scheduler =
            new java.util.concurrent.ScheduledThreadPoolExecutor(1);
    private WorkerHost host;

    private WorkerHost host() {
        if (host == null) {
            host = new WorkerHost(scheduler, data, new PrometheusRegistry());
        }
        return host;
    }

    @AfterEach
    void stop() {
        if (host != null) {
            host.close();
        }
        scheduler.shutdownNow();
    }

    @Test
    void runCollectsStdoutAndTheExit() throws Exception {
        WorkerResult r = host().forPlugin("t").run(WorkerSpec.of(Tool.FFPROBE, "version", List.of("-version")),
                1 << 20).toCompletableFuture().get(20, TimeUnit.SECONDS);
        assertTrue(r.exit().ok(), r.exit().reason());
        assertTrue(r.stdoutText().startsWith("ffprobe version"), r.stdoutText());
    }

    @Test
    void aFailingToolReportsItsStatusAndStderrTail() throws Exception {
        WorkerResult r = host().forPlugin("t").run(WorkerSpec.of(Tool.FFMPEG, "bad", List.of("-v", "error", "-i",
                data.resolve("missing.mp4").toString(), "-f", "null", "-")), 1024).toCompletableFuture()
                .get(20, TimeUnit.SECONDS);
        assertFalse(r.exit().ok());
        assertFalse(r.exit().killed());
        assertTrue(r.exit().stderrTail().contains("No such file"), r.exit().stderrTail());
        assertTrue(r.exit().reason().startsWith("exit status "), r.exit().reason());
    }

    @Test
    void backPressureHoldsTheChildAndKillEndsItWithTheReason() throws Exception {
        AtomicReference<Runnable> held = new AtomicReference<>();
        AtomicLong chunks = new AtomicLong();
        AtomicReference<WorkerExit> ended = new AtomicReference<>();
        Worker w = host().forPlugin("t").start(WorkerSpec.of(Tool.FFMPEG, "endless", ENDLESS).withKillGraceMs(300),
                new WorkerOutput() {
                    @Override
                    public void onData(ByteBuffer data, Runnable next) {
                        chunks.incrementAndGet();
                        held.set(next); // not called: the reader must wait
                    }

                    @Override
                    public void onExit(WorkerExit exit) {
                        ended.set(exit);
                    }
                });
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (held.get() == null && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        Thread.sleep(300);
        assertEquals(1, chunks.get(), "no second chunk before next ran");
        assertTrue(w.isAlive());
        long t0 = System.nanoTime();
        w.kill("test says stop");
        WorkerExit exit = w.exit().toCompletableFuture().get(5, TimeUnit.SECONDS);
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        assertTrue(ms < 1000, "ended " + ms + " ms after kill");
        assertEquals("test says stop", exit.killReason());
        assertEquals(exit, ended.get());
        assertFalse(ProcessHandle.of(w.pid()).map(ProcessHandle::isAlive).orElse(false));
        assertEquals(0, host().running());
    }

    @Test
    void theTimeoutKills() throws Exception {
        Worker w = host().forPlugin("t").start(WorkerSpec.of(Tool.FFMPEG, "slow", ENDLESS).withTimeoutMs(300),
                discard());
        WorkerExit exit = w.exit().toCompletableFuture().get(5, TimeUnit.SECONDS);
        assertEquals("timed out after 300 ms", exit.killReason());
    }

    @Test
    void aStoppedPluginsWorkersAreKilledAndItCannotStartMore() throws Exception {
        PluginWorkers mine = host().forPlugin("p");
        Worker a = mine.start(WorkerSpec.of(Tool.FFMPEG, "a", ENDLESS), discard());
        Worker b = mine.start(WorkerSpec.of(Tool.FFMPEG, "b", ENDLESS), discard());
        assertEquals(2, mine.running());
        mine.close();
        assertFalse(a.isAlive() || b.isAlive());
        assertEquals("plugin p stopped", a.exit().toCompletableFuture().get(1, TimeUnit.SECONDS).killReason());
        assertThrows(IllegalStateException.class, () -> mine.start(WorkerSpec.of(Tool.FFMPEG, "c", ENDLESS),
                discard()));
    }

    @Test
    void pidFilesLetTheNextStartKillAnOrphan() throws Exception {
        PluginWorkers mine = host().forPlugin("p");
        Worker a = mine.start(WorkerSpec.of(Tool.FFMPEG, "orphan", ENDLESS), discard());
        assertTrue(Files.exists(data.resolve("workers").resolve(Long.toString(a.pid()))));
        // as if the server died without its shutdown hook: the next WorkerHost on this data folder sweeps
        new PidFiles(data.resolve("workers")).sweep();
        a.exit().toCompletableFuture().get(5, TimeUnit.SECONDS);
        assertFalse(a.isAlive());
    }

    @Test
    void aMissingExternalExecutableFailsToStartWithItsName() {
        IOException e = assertThrows(IOException.class, () -> host().forPlugin("t")
                .start(WorkerSpec.external("/nonexistent/extractor", "x", List.of()), discard()));
        assertTrue(e.getMessage().contains("/nonexistent/extractor"), e.getMessage());
    }

    @Test
    void aWorkerThatEndsCancelsItsTimeout() throws Exception {
        WorkerResult r = host().forPlugin("t").run(WorkerSpec.of(Tool.FFPROBE, "version", List.of("-version"))
                .withTimeoutMs(600_000), 1 << 20).toCompletableFuture().get(20, TimeUnit.SECONDS);
        assertTrue(r.exit().ok(), r.exit().reason());
        assertTrue(scheduler.getQueue().stream().allMatch(t -> ((java.util.concurrent.Future<?>) t).isCancelled()),
                "no live timer left behind: " + scheduler.getQueue());
    }

    @Test
    void outputOverTheBoundFromTheFirstChunkEndsTheRunWithTheReason() throws Exception {
        // ffprobe -version writes its whole text in one chunk, which may arrive before start() has returned
        for (int i = 0; i < 5; i++) {
            WorkerResult r = host().forPlugin("t").run(WorkerSpec.of(Tool.FFPROBE, "version", List.of("-version")),
                    16).toCompletableFuture().get(20, TimeUnit.SECONDS);
            assertEquals("stdout over 16 bytes", r.exit().killReason(), r.exit().reason());
            assertTrue(r.stdout().length <= 16);
        }
    }

    @Test
    void theBundledToolsRunWithTheMallocSettings() throws Exception {
        Worker w = host().forPlugin("t").start(WorkerSpec.of(Tool.FFMPEG, "env", ENDLESS), discard());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!ProcessHandle.of(w.pid()).flatMap(p -> p.info().command()).map(c -> c.endsWith("/ffmpeg"))
                .orElse(false)) { // the JDK's spawn helper execs ffmpeg a moment after start() returns
            assertTrue(System.nanoTime() < deadline, "ffmpeg did not start");
            Thread.sleep(5);
        }
        String env = Files.readString(Path.of("/proc", Long.toString(w.pid()), "environ"));
        w.kill("done");
        String expected = System.getenv().getOrDefault("MALLOC_MMAP_THRESHOLD_", "4194304");
        assertTrue(env.contains("MALLOC_MMAP_THRESHOLD_=" + expected + "\0"), "environment of the child: " + env);
        w.exit().toCompletableFuture().get(5, TimeUnit.SECONDS);
    }

    @Test
    void stderrIsLoggedLiveWhileTheWorkerRunsWithinItsBudgetAndMasked() throws Exception {
        List<String> logged = new java.util.concurrent.CopyOnWriteArrayList<>();
        List<String> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        host().stderrSink = logged::add;
        String script = "for i in 1 2 3 4 5 6 7 8; do echo \"[rtsp @ 0x1] rtsp://u:secret@h/x missed $i\" >&2; done;"
                + " exec sleep 30";
        Worker w = host().forPlugin("t").start(WorkerSpec.external("/bin/sh", "source cams/door",
                List.of("-c", script)).withStderrLog(3), new WorkerOutput() {
                    @Override
                    public void onData(ByteBuffer data, Runnable next) {
                        next.run();
                    }

                    @Override
                    public void onExit(WorkerExit exit) {
                    }

                    @Override
                    public void onStderrLine(String line) {
                        seen.add(line);
                    }
                });
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (seen.size() < 8) {
            assertTrue(System.nanoTime() < deadline, "stderr lines seen: " + seen);
            Thread.sleep(10);
        }
        assertTrue(w.isAlive(), "the lines came while the worker runs, not at its exit");
        assertEquals(List.of("source cams/door: [rtsp @ 0x1] rtsp://u:***@h/x missed 1",
                "source cams/door: [rtsp @ 0x1] rtsp://u:***@h/x missed 2",
                "source cams/door: [rtsp @ 0x1] rtsp://u:***@h/x missed 3"), logged);
        assertEquals("[rtsp @ 0x1] rtsp://u:secret@h/x missed 8", seen.get(7), "the plugin's own hook sees it all");
        w.kill("done");
        w.exit().toCompletableFuture().get(5, TimeUnit.SECONDS);
    }

    private static WorkerOutput discard() {
        return new WorkerOutput() {
            @Override
            public void onData(ByteBuffer data, Runnable next) {
                next.run();
            }

            @Override
            public void onExit(WorkerExit exit) {
            }
        };
    }
}
