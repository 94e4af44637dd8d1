package io.osprey.kernel.bus;

import io.osprey.spi.Registration;
import io.osprey.spi.bus.MediaBus;
import io.osprey.spi.bus.StreamKey;
import io.osprey.spi.bus.StreamStats;
import io.osprey.spi.bus.StreamView;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.IntSupplier;

/**
 * The viewers that hold no bus subscription ({@link MediaBus#countViewers}: HLS players), per stream and protocol,
 * and the stream statistics with them added, for the places the kernel reports viewers (admin API, metrics,
 * cluster). A side table of one bus, found with {@link #of}, so the bus's delivery classes need not know about it.
 *
 * <p>Thread-safe. Registering and closing are rare (a stream starts or ends); {@link #stats} asks each count of the
 * stream once and costs nothing for a stream with none.
 */
public final class SessionViewers {

    private static final Map<MediaBus, SessionViewers> TABLES = new WeakHashMap<>();

    private record Count(String protocol, IntSupplier count) {
    }

    private final ConcurrentHashMap<StreamKey, CopyOnWriteArrayList<Count>> counts = new ConcurrentHashMap<>();

    /** The table of {@code bus} (made on first use; dropped with the bus). */
    public static SessionViewers of(MediaBus bus) {
        synchronized (TABLES) {
            return TABLES.computeIfAbsent(bus, b -> new SessionViewers());
        }
    }

    /** Adds a count for {@code key} under {@code protocol}; the registration removes it (idempotent). */
    public Registration add(StreamKey key, String protocol, IntSupplier count) {
        Count c = new Count(protocol, count);
        counts.computeIfAbsent(key, k -> new CopyOnWriteArrayList<>()).add(c);
        return () -> counts.computeIfPresent(key, (k, list) -> {
            list.remove(c);
            return list.isEmpty() ? null : list;
        });
    }

    /** The viewers counted for {@code key} by protocol (empty if none is registered). */
    public Map<String, Integer> viewers(StreamKey key) {
        CopyOnWriteArrayList<Count> list = counts.get(key);
        if (list == null) {
            return Map.of();
        }
        Map<String, Integer> out = new TreeMap<>();
        for (Count c : list) {
            int n;
            try {
                n = Math.max(0, c.count().getAsInt());
            } catch (RuntimeException e) {
                n = 0; // a count that throws counts nobody rather than breaking a report
            }
            out.merge(c.protocol(), n, Integer::sum);
        }
        return out;
    }

    /** {@code s.stats()} with the counted viewers added to its viewers by protocol. */
    public StreamStats stats(StreamView s) {
        StreamStats st = s.stats();
        Map<String, Integer> extra = viewers(s.key());
        if (extra.isEmpty()) {
            return st;
        }
        Map<String, Integer> all = new TreeMap<>(st.viewers());
        extra.forEach((p, n) -> all.merge(p, n, Integer::sum));
        return new StreamStats(st.bytesIn(), st.framesIn(), st.bitrateIn(), st.videoFps(),
                Collections.unmodifiableMap(all), st.subscribers(), st.bytesOut(), st.framesDropped(),
                st.publishes());
    }
}
