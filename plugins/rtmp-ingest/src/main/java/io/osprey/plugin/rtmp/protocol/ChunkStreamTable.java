package io.osprey.plugin.rtmp.protocol;

import java.util.HashMap;
import java.util.Map;

/** The chunk streams of one connection by csid (5.3.1.1): an array for the one-byte ids 2..63, a map above. */
final class ChunkStreamTable {
    private final ChunkStream[] low = new ChunkStream[64];
    private final Map<Integer, ChunkStream> high = new HashMap<>();
    private int size;

    ChunkStream get(int csid) {
        return csid < low.length ? low[csid] : high.get(csid);
    }

    ChunkStream create(int csid) {
        ChunkStream stream = new ChunkStream(csid);
        if (csid < low.length) {
            low[csid] = stream;
        } else {
            high.put(csid, stream);
        }
        size++;
        return stream;
    }

    int size() {
        return size;
    }

    void clear() {
        java.util.Arrays.fill(low, null);
        high.clear();
        size = 0;
    }
}
