package io.osprey.plugin.rtmp;

import java.net.InetAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The plugin's connection caps (HOSTILE-INPUTS A1, A3): at most {@code max} ingest connections in all (RTMP, RTMPS
 * and HTTP-FLV pushes together) and {@code maxPerAddress} from one address. A connection takes its slot when it is
 * accepted, before any handshake, so half-open sockets count. Thread-safe.
 */
final class ConnectionCaps {

    private volatile int max;
    private volatile int maxPerAddress;
    private final AtomicInteger total = new AtomicInteger();
    private final Map<InetAddress, AtomicInteger> perAddress = new ConcurrentHashMap<>();

    ConnectionCaps(int max, int maxPerAddress) {
        this.max = max;
        this.maxPerAddress = maxPerAddress;
    }

    /**
     * New caps, applied to the next {@link #acquire}: connections already over a lowered cap stay (they are counted
     * and keep their slots until they close).
     */
    void limits(int max, int maxPerAddress) {
        this.max = max;
        this.maxPerAddress = maxPerAddress;
    }

    /** Takes a slot for {@code address} ({@code null}: counted globally only); the refusal reason, or null. */
    String acquire(InetAddress address) {
        if (total.incrementAndGet() > max) {
            total.decrementAndGet();
            return "max-connections";
        }
        if (address != null) {
            AtomicInteger n = perAddress.compute(address, (a, c) -> {
                AtomicInteger v = c == null ? new AtomicInteger() : c;
                v.incrementAndGet();
                return v;
            });
            if (n.get() > maxPerAddress) {
                release(address);
                return "max-connections-per-ip";
            }
        }
        return null;
    }

    /** Frees a slot taken by a successful {@link #acquire}. */
    void release(InetAddress address) {
        total.decrementAndGet();
        if (address != null) {
            perAddress.computeIfPresent(address, (a, c) -> c.decrementAndGet() <= 0 ? null : c);
        }
    }

    int total() {
        return total.get();
    }
}
