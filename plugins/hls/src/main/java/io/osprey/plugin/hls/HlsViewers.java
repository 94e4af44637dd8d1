package io.osprey.plugin.hls;

import java.net.InetAddress;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The HLS viewers of one stream, as far as HTTP lets us see them: a client address plus what its URLs carry (a
 * token, a signature; see {@link HlsHandler#carry}), counted while it fetched a playlist within the last
 * window (three target durations: RFC 8216 6.3.4 has a live client reload its playlist at least once per target
 * duration). The count is lent to the bus ({@code MediaBus.countViewers}), so HLS viewers appear in
 * {@code /api/streams}, {@code /metrics} and the console beside HTTP-FLV's.
 *
 * <p>A playlist request costs one map lookup and one plain store into an existing entry (a new client: one
 * insertion); counting walks the table and drops clients not seen within the window. The table holds at most
 * {@value #MAX} clients: beyond that new clients are not counted until a count frees room, so a flood of
 * made-up tokens costs bounded memory. Thread-safe.
 */
final class HlsViewers {

    static final int MAX = 100_000;

    private record Client(InetAddress address, String carry) {
    }

    /** Last seen, {@link System#nanoTime}; a plain field, as a late store only delays expiry. */
    private static final class Seen {
        long nanos;

        Seen(long nanos) {
            this.nanos = nanos;
        }
    }

    private final ConcurrentHashMap<Client, Seen> clients = new ConcurrentHashMap<>();

    /** A playlist request of this client at {@code now}. */
    void seen(InetAddress address, String carry, long now) {
        if (address == null) {
            return;
        }
        Client c = new Client(address, carry);
        Seen s = clients.get(c);
        if (s != null) {
            s.nanos = now;
        } else if (clients.size() < MAX) {
            clients.putIfAbsent(c, new Seen(now));
        }
    }

    /** The clients seen within {@code windowNanos} before {@code now}; drops the others. */
    int count(long now, long windowNanos) {
        int n = 0;
        for (var e : clients.entrySet()) {
            if (now - e.getValue().nanos < windowNanos) {
                n++;
            } else {
                clients.remove(e.getKey(), e.getValue());
            }
        }
        return n;
    }

    void clear() {
        clients.clear();
    }
}
