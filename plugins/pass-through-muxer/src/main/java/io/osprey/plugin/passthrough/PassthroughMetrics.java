package io.osprey.plugin.passthrough;

import io.osprey.spi.metrics.Counter;
import io.osprey.spi.metrics.Metrics;

/** {@code osprey_passthrough_*}: gates, rejections, bytes, outcomes and times. */
final class PassthroughMetrics {

    private final Counter rejected;
    private final Counter bytes;
    private final Counter downloads;
    private final Counter seconds;
    private final Counter firstByte;
    private final Counter queueWait;
    private final Counter prepare;

    PassthroughMetrics(Metrics m, Gates gates, java.util.function.IntSupplier probes) {
        m.gauge("osprey_passthrough_active", "Remuxes running now", () -> gates.active());
        m.gauge("osprey_passthrough_queued", "Downloads waiting for a worker", () -> gates.queued());
        m.gauge("osprey_passthrough_connections", "Open downloads, running or queued", () -> gates.connections());
        m.gauge("osprey_passthrough_probes", "ffprobe runs for /info now", () -> probes.getAsInt());
        rejected = m.counter("osprey_passthrough_rejected_total", "Requests refused with 503 by a gate", "gate");
        bytes = m.counter("osprey_passthrough_bytes_out_total", "Bytes of fragmented MP4 sent to clients");
        downloads = m.counter("osprey_passthrough_downloads_total", "Downloads ended, by result", "result");
        seconds = m.counter("osprey_passthrough_download_seconds_total", "Time from worker start to the end");
        firstByte = m.counter("osprey_passthrough_first_byte_seconds_total",
                "Time from worker start to its first output, summed (divide by downloads for the mean)");
        queueWait = m.counter("osprey_passthrough_queue_wait_seconds_total", "Time spent waiting for a worker");
        prepare = m.counter("osprey_passthrough_prepare_seconds_total",
                "Time from a download's request to its place in the worker queue (hooks, resolver, redirect check)");
    }

    void rejected(String gate) {
        rejected.labels(gate).inc();
    }

    void bytes(long n) {
        bytes.inc(n);
    }

    void ended(String result, double s) {
        downloads.labels(result).inc();
        seconds.inc(s);
    }

    void firstByte(double s) {
        firstByte.inc(s);
    }

    void prepare(double s) {
        prepare.inc(s);
    }

    void queueWait(double s) {
        queueWait.inc(s);
    }
}
