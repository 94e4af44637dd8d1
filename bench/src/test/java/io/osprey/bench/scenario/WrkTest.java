package io.osprey.bench.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import org.junit.jupiter.api.Test;

class WrkTest {

    private static final String OUTPUT = """
            Running 3s test @ http://127.0.0.1:8080/hls/bench/index.m3u8
              1 threads and 50 connections
              Thread Stats   Avg      Stdev     Max   +/- Stdev
                Latency     1.23ms    2.34ms  45.67ms   95.12%
                Req/Sec    43.29k     2.11k   46.00k    80.00%
              Latency Distribution
                 50%  812.00us
                 75%    1.10ms
                 90%    1.50ms
                 99%    1.02s
              129876 requests in 3.00s, 40.12MB read
              Socket errors: connect 0, read 2, write 0, timeout 1
              Non-2xx or 3xx responses: 12
            Requests/sec:  43292.12
            Transfer/sec:      2.49GB
            """;

    @Test
    void readsTheSummary() throws IOException {
        Wrk.Figures f = Wrk.parse(OUTPUT);
        assertEquals(43292.12, f.requestsPerSecond(), 1e-6);
        assertEquals(2.49 * 1024 * 1024 * 1024, f.bytesPerSecond(), 1);
        assertEquals(0.812, f.p50Ms(), 1e-9);
        assertEquals(1020, f.p99Ms(), 1e-9);
        assertEquals(129876, f.requests());
        assertEquals(12, f.non2xx());
        assertEquals(3, f.socketErrors());
    }

    @Test
    void failsLoudlyOnOutputItDoesNotKnow() {
        assertThrows(IOException.class, () -> Wrk.parse("unable to connect to 127.0.0.1:1 Connection refused"));
    }

    @Test
    void newestSegmentIsTheLastUriLine() {
        String playlist = "#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXTINF:2.0,\nseg1.ts\n#EXTINF:2.0,\r\nseg2.ts\r\n"
                + "#EXT-X-PRELOAD-HINT:TYPE=PART,URI=\"p.ts\"\n";
        assertEquals("seg2.ts", HlsServe.newestSegment(playlist));
        assertEquals(2, HlsServe.segmentCount(playlist));
        assertNull(HlsServe.newestSegment("#EXTM3U\n"));
    }
}
