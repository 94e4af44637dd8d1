package ${package};

import io.osprey.spi.bus.Frame;
import io.osprey.spi.bus.StreamKey;
import io.osprey.spi.bus.Subscription;
import io.osprey.spi.bus.SubscriptionListener;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Frame counts per stream, fed by the bus. One listener serves every subscription.
 *
 * <p>Buffer ownership: {@link Subscription#poll} hands each frame out with a reference of ours; a pooled frame's
 * payload memory is reused by the publisher once every holder has released it, so every polled frame is released
 * here as soon as its size has been read, and no payload is kept.
 */
final class StreamCounts implements SubscriptionListener {

    /** Told how many frames of a kind were read (the metric). */
    interface Sink {
        void counted(String kind, long frames);
    }

    static final class Counts {
        final AtomicLong video = new AtomicLong();
        final AtomicLong audio = new AtomicLong();
        final AtomicLong data = new AtomicLong();
        volatile int lastKeyFrameBytes = -1;
        volatile long lastKeyFrameDts = -1;
    }

    private final int max;
    private final Sink sink;
    private final Map<StreamKey, Counts> streams = new ConcurrentHashMap<>();

    StreamCounts(int max, Sink sink) {
        this.max = max;
        this.sink = sink;
    }

    /** Starts counting {@code key}; false when {@code max} streams are counted already. */
    synchronized boolean admit(StreamKey key) {
        if (streams.size() >= max && !streams.containsKey(key)) {
            return false;
        }
        streams.putIfAbsent(key, new Counts());
        return true;
    }

    void remove(StreamKey key) {
        streams.remove(key);
    }

    /** From a bus thread or the publisher's: must not block. Polls what is there, counts it, asks for more. */
    @Override
    public void onReadable(Subscription s) {
        Counts c = streams.get(s.stream().key());
        List<Frame> batch = new ArrayList<>(64);
        int n;
        while ((n = s.poll(batch, 64)) > 0) {
            for (Frame f : batch) {
                try {
                    if (c != null) {
                        count(c, f);
                    }
                } finally {
                    f.release(); // done with the payload: the publisher may reuse its memory
                }
            }
            batch.clear();
        }
        if (n < 0) {
            s.close(); // the stream ended: onStreamEnded removes its counts
            return;
        }
        s.demand();
    }

    void count(Counts c, Frame f) {
        if (f.isConfig()) {
            return;
        }
        switch (f.kind()) {
            case VIDEO -> {
                c.video.incrementAndGet();
                if (f.isVideoKey()) {
                    c.lastKeyFrameBytes = f.size();
                    c.lastKeyFrameDts = f.dts();
                }
                sink.counted("video", 1);
            }
            case AUDIO -> {
                c.audio.incrementAndGet();
                sink.counted("audio", 1);
            }
            default -> {
                c.data.incrementAndGet();
                sink.counted("data", 1);
            }
        }
    }

    Counts get(StreamKey key) {
        return streams.get(key);
    }

    /** A snapshot for the route: stream name to its counts, sorted by name. */
    Map<String, Object> snapshot() {
        Map<String, Object> out = new TreeMap<>();
        streams.forEach((key, c) -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("videoFrames", c.video.get());
            m.put("audioFrames", c.audio.get());
            m.put("dataFrames", c.data.get());
            m.put("lastKeyFrameBytes", c.lastKeyFrameBytes);
            m.put("lastKeyFrameDts", c.lastKeyFrameDts);
            out.put(key.toString(), m);
        });
        return out;
    }
}
