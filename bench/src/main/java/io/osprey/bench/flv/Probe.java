package io.osprey.bench.flv;

import io.osprey.media.amf0.Amf0Exception;
import io.osprey.media.amf0.Amf0Reader;
import io.osprey.media.amf0.Amf0Writer;
import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The latency probe: an AMF0 script-data message {@code onBenchProbe {sent, seq, wall}} the publisher sends every
 * few hundred milliseconds. {@code sent} is the publisher's {@link System#nanoTime()} in microseconds (publisher and
 * viewers run in the same bench process, so the clocks are the same); {@code wall} is wall-clock milliseconds for
 * anyone reading the stream elsewhere. A viewer that receives the probe subtracts {@code sent} from its own clock:
 * that is the delay the server (and the network) added.
 */
public final class Probe {

    public static final String NAME = "onBenchProbe";

    private Probe() {
    }

    /** The message body for a probe sent now. */
    public static byte[] encode(long seq) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("sent", (double) (System.nanoTime() / 1000));
        o.put("seq", (double) seq);
        o.put("wall", (double) System.currentTimeMillis());
        return Amf0Writer.encode(NAME, o);
    }

    /** The send time in nanoseconds of the probe in {@code body}, or -1 if the body is not a probe. */
    public static long sentNanos(ByteBuffer body) {
        if (body.remaining() < 3 + NAME.length()) {
            return -1;
        }
        try {
            List<Object> v = new Amf0Reader(body.duplicate()).readAll();
            if (v.size() >= 2 && NAME.equals(v.get(0)) && v.get(1) instanceof Map<?, ?> m
                    && m.get("sent") instanceof Double d) {
                return d.longValue() * 1000;
            }
        } catch (Amf0Exception | RuntimeException e) {
            return -1;
        }
        return -1;
    }
}
