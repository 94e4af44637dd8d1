package io.osprey.bench.scenario;

import io.osprey.bench.report.Result;
import io.osprey.bench.server.OspreyServer;
import io.osprey.bench.server.Server;
import java.util.Locale;
import java.util.OptionalLong;

/**
 * Issue 24.5: memory per ingest stream. For any server, the resident memory the publishers added: (RSS at its
 * highest in the window - RSS before the first publisher) / publishers still publishing. For Osprey also where it
 * goes, read from {@code /metrics} at the end of the window: the bus rings ({@code osprey_bus_ring_bytes}), the
 * HLS windows ({@code osprey_hls_bytes}: segments, parts and playlists held), pooled buffers waiting for reuse
 * ({@code osprey_direct_pool_idle_bytes}), all direct memory in use (the rings and windows, the publishers' partly
 * filled log segments, dead buffers the collector has not freed yet), and the heap.
 */
final class IngestMemory {

    private IngestMemory() {
    }

    static void report(Result r, Server server, long rssIdle, long rssMax, int publishing) {
        r.put("RSS idle MB", Scenario.toMb(rssIdle));
        double perStream = publishing == 0 ? Double.NaN : (rssMax - rssIdle) / 1048576.0 / publishing;
        r.put("MB per stream", round2(perStream));
        if (!(server instanceof OspreyServer osprey) || publishing == 0) {
            return;
        }
        try {
            double ring = osprey.counter("osprey_bus_ring_bytes");
            double hls = osprey.counter("osprey_hls_bytes");
            double idle = osprey.counter("osprey_direct_pool_idle_bytes");
            OptionalLong direct = server.directBytes();
            OptionalLong heap = server.heapBytes();
            double kb = 1024.0 * publishing;
            r.note(String.format(Locale.ROOT, "osprey memory per stream at %d streams: RSS %.0f KB above idle; of "
                            + "it direct %s KB (ring %.0f, HLS window %.0f, pool idle %.0f, the rest partly filled "
                            + "logs, open segments and dead buffers), heap %s KB (all of the heap in use / streams)",
                    publishing, (rssMax - rssIdle) / kb, direct.isPresent() ? Math.round(direct.getAsLong() / kb) : "-",
                    ring / kb, hls / kb, idle / kb, heap.isPresent() ? Math.round(heap.getAsLong() / kb) : "-"));
            r.put("ring KB/stream", Math.round(ring / kb));
            r.put("HLS KB/stream", Math.round(hls / kb));
        } catch (Exception e) {
            r.note("osprey memory breakdown: /metrics not read (" + e + ")");
        }
    }

    private static double round2(double v) {
        return Math.round(v * 100) / 100.0;
    }
}
