package io.osprey.plugin.transcode;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A ladder's figures, sampled once a second from its run: speed (media time encoded per wall-clock time, 1.0 is
 * realtime), frames per second per rendition, frames dropped at the worker's input, and the worker's CPU (the
 * process's CPU time per wall-clock time, 1.0 = one core busy).
 */
final class LadderStats {

    private final AtomicLong dropped = new AtomicLong();
    private final double[] fps;
    private final long[] lastFrames;
    private volatile double speed;
    private volatile double cpu;
    private long lastPid;
    private long lastNanos;
    private long lastDts = -1;
    private long lastCpuNanos;

    LadderStats(int renditions) {
        this.fps = new double[renditions];
        this.lastFrames = new long[renditions];
    }

    void dropped(long n) {
        dropped.addAndGet(n);
    }

    long dropped() {
        return dropped.get();
    }

    double speed() {
        return speed;
    }

    double cpu() {
        return cpu;
    }

    synchronized double fps(int i) {
        return fps[i];
    }

    /** One sample of the running worker {@code pid} and its demux. */
    synchronized void sample(long pid, RenditionDemux demux, long runStartNanos) {
        long now = System.nanoTime();
        long cpuNanos = ProcessHandle.of(pid).flatMap(p -> p.info().totalCpuDuration()).map(Duration::toNanos)
                .orElse(0L);
        long dts = demux.lastDts();
        if (pid != lastPid) { // a new run: start over
            lastPid = pid;
            lastNanos = runStartNanos;
            lastDts = -1;
            lastCpuNanos = 0;
            java.util.Arrays.fill(lastFrames, 0);
        }
        double wall = (now - lastNanos) / 1e9;
        if (wall < 0.2) {
            return;
        }
        cpu = (cpuNanos - lastCpuNanos) / 1e9 / wall;
        speed = lastDts >= 0 && dts >= lastDts ? (dts - lastDts) / 1000.0 / wall : speed;
        for (int i = 0; i < fps.length; i++) {
            long f = demux.frames(i);
            fps[i] = (f - lastFrames[i]) / wall;
            lastFrames[i] = f;
        }
        lastNanos = now;
        lastCpuNanos = cpuNanos;
        if (dts >= 0) {
            lastDts = dts;
        }
    }

    synchronized Map<String, Object> json(java.util.List<TranscodeConfig.Rendition> renditions) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("speed", round(speed));
        out.put("cpu", round(cpu));
        out.put("dropped", (double) dropped.get());
        Map<String, Object> f = new LinkedHashMap<>();
        for (int i = 0; i < fps.length; i++) {
            f.put(renditions.get(i).name, round(fps[i]));
        }
        out.put("fps", f);
        return out;
    }

    private static double round(double d) {
        return Math.round(d * 100) / 100.0;
    }
}
