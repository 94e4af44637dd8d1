package io.osprey.plugin.ratelimit;

import io.osprey.spi.access.Action;
import io.osprey.spi.bus.StreamKey;
import java.net.InetAddress;
import java.util.concurrent.ConcurrentHashMap;

/**
 * HLS viewers: an HLS client holds no connection, it comes back for each playlist, segment and part. It counts as
 * one viewer (one set of cap slots) from its first request while it keeps fetching: a session per client address,
 * token and stream that ends {@code hlsViewerIdleMs} after its last request (a player reloads the playlist every
 * target duration, so a few target durations of silence mean it has gone).
 */
final class HlsViewers {

    private record Key(InetAddress ip, String token, StreamKey stream) {
    }

    private static final class Session {
        final Caps.Held held;
        volatile long lastNanos;

        Session(Caps.Held held, long now) {
            this.held = held;
            this.lastNanos = now;
        }
    }

    private final ConcurrentHashMap<Key, Session> sessions = new ConcurrentHashMap<>();
    private final Caps caps;

    HlsViewers(Caps caps) {
        this.caps = caps;
    }

    /** Refreshes the client's session, or starts one if the caps allow. Returns the refusal, or null. */
    Caps.Outcome touch(RateLimitConfig c, InetAddress ip, String token, StreamKey stream, long now) {
        Key k = new Key(ip, token, stream);
        Session s = sessions.get(k);
        if (s != null) {
            s.lastNanos = now;
            return null;
        }
        Caps.Outcome o = caps.acquire(c, Action.PLAY, ip, token, stream);
        if (o.held() == null) {
            return o;
        }
        Session mine = new Session(o.held(), now);
        Session raced = sessions.putIfAbsent(k, mine);
        if (raced != null) { // two first requests at once: one session
            o.held().release();
            raced.lastNanos = now;
        }
        return null;
    }

    /** Ends the sessions idle for {@code idleNanos}, freeing their slots. */
    void sweep(long now, long idleNanos) {
        sessions.entrySet().removeIf(e -> {
            if (now - e.getValue().lastNanos > idleNanos) {
                e.getValue().held.release();
                return true;
            }
            return false;
        });
    }

    /** Ends the sessions over a lowered cap (their next request asks again). Returns how many. */
    int enforce(RateLimitConfig c) {
        int[] n = new int[1];
        sessions.entrySet().removeIf(e -> {
            if (e.getValue().held.over(c) != null) {
                e.getValue().held.release();
                n[0]++;
                return true;
            }
            return false;
        });
        return n[0];
    }

    void clear() {
        sessions.values().forEach(s -> s.held.release());
        sessions.clear();
    }

    int size() {
        return sessions.size();
    }
}
