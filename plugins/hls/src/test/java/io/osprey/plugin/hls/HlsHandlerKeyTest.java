package io.osprey.plugin.hls;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The fast path's per-thread key cache answers exactly what parsing the path answers, in any order of paths. */
class HlsHandlerKeyTest {

    @Test
    void theCachedKeyIsAlwaysThePathsKey() {
        List<String> paths = List.of("/hls/live/bench/index.m3u8", "/hls/live/bench/seg-a-1.ts", "/hls/live/bench/",
                "/hls/live/benchX/index.m3u8", "/hls/livestream/bench/index.m3u8", "/hls/live/bench/a/b",
                "/hls/live/bench", "/hls/live/be/index.m3u8", "/hls/liv/bench/index.m3u8", "/hls//bench/x",
                "/hls/live//x", "/hls/live/bench/index.m3u8/", "/hls/l/b/c", "/hls/live/bench.m3u8");
        for (int round = 0; round < 3; round++) {
            for (int i = 0; i < paths.size(); i++) {
                for (int j = 0; j < paths.size(); j++) {
                    String first = paths.get((i + round) % paths.size());
                    String second = paths.get(j);
                    HlsHandler.cachedKeyOf(first);
                    assertEquals(HlsHandler.keyOf(second), HlsHandler.cachedKeyOf(second), first + " then " + second);
                }
            }
        }
    }
}
