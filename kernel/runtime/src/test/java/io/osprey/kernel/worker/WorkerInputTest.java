package io.osprey.kernel.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.osprey.spi.worker.Tool;
import io.osprey.spi.worker.Worker;
import io.osprey.spi.worker.WorkerExit;
import io.osprey.spi.worker.WorkerOutput;
import io.osprey.spi.worker.WorkerSpec;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A worker fed on stdin (spi.worker 1.1): bytes go through the child in order, the bound refuses, EOF ends it. */
class WorkerInputTest {

    @TempDir
    Path data;
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    private WorkerHost host;

    @AfterEach
    void stop() {
        if (host != null) {
            host.close();
        }
        scheduler.shutdownNow();
    }

    @Test
    void stdinBytesComeBackThroughFfmpegAndCloseEndsIt() throws Exception {
        host = new WorkerHost(scheduler, data, new PrometheusRegistry());
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        CompletableFuture<WorkerExit> ended = new CompletableFuture<>();
        // ffmpeg as a byte pipe: raw data in, the same raw data out
        Worker w = host.forPlugin("t").startWithInput(WorkerSpec.of(Tool.FFMPEG, "echo", List.of("-v", "error",
                "-f", "data", "-i", "pipe:0", "-map", "0", "-c", "copy", "-f", "data", "pipe:1")), 1 << 20,
                new WorkerOutput() {
                    @Override
                    public void onData(ByteBuffer b, Runnable next) {
                        byte[] a = new byte[b.remaining()];
                        b.get(a);
                        got.writeBytes(a);
                        next.run();
                    }

                    @Override
                    public void onExit(WorkerExit exit) {
                        ended.complete(exit);
                    }
                });
        byte[] sent = new byte[300_000];
        for (int i = 0; i < sent.length; i++) {
            sent[i] = (byte) (i * 31 + i / 7);
        }
        for (int off = 0; off < sent.length; off += 10_000) {
            assertTrue(w.input().offer(ByteBuffer.wrap(sent, off, 10_000).slice()));
        }
        assertFalse(w.input().offer(ByteBuffer.allocate(2 << 20)), "over the bound: refused, not queued");
        w.input().close();
        assertFalse(w.input().offer(ByteBuffer.allocate(1)), "closed: refused");
        WorkerExit exit = ended.get(20, TimeUnit.SECONDS);
        assertTrue(exit.ok(), exit.reason());
        assertEquals(sent.length, w.input().writtenBytes());
        assertEquals(0, w.input().queuedBytes());
        assertTrue(java.util.Arrays.equals(sent, got.toByteArray()), "the bytes came back in order");
    }

    @Test
    void aWorkerStartedWithoutStdinHasNoInput() throws Exception {
        host = new WorkerHost(scheduler, data, new PrometheusRegistry());
        Worker w = host.forPlugin("t").start(WorkerSpec.of(Tool.FFPROBE, "v", List.of("-version")), new WorkerOutput() {
            @Override
            public void onData(ByteBuffer b, Runnable next) {
                next.run();
            }

            @Override
            public void onExit(WorkerExit exit) {
            }
        });
        assertThrows(IllegalStateException.class, w::input);
        assertThrows(IllegalArgumentException.class, () -> host.forPlugin("t").startWithInput(
                WorkerSpec.of(Tool.FFMPEG, "x", List.of()), 0, null));
    }
}
