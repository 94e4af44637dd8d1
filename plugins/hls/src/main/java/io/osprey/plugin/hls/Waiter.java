package io.osprey.plugin.hls;

import io.osprey.spi.access.Admission;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * A parked request: a blocking playlist reload (RFC 8216bis 6.2.5.2) or a request for the hinted part
 * (6.2.6). It holds no thread, only Jetty's response and callback, completed later by whoever makes it ready.
 *
 * @param msn      {@code _HLS_msn}, or -1 for a part request
 * @param part     {@code _HLS_part}, or -1
 * @param partNumber the part requested by URI, or -1 for a playlist
 * @param delta    {@code _HLS_skip} asked for a delta update
 * @param deadline System.nanoTime() after which it is answered 503
 * @param carry    the client's query to carry over to the playlist's URIs (signed URLs), or null
 */
record Waiter(long msn, int part, long partNumber, boolean delta, long deadline, boolean head, Request request,
              Response response, Callback callback, Admission admission, AtomicBoolean done, String carry) {

    /** Claims the right to answer; true exactly once. */
    boolean claim() {
        return done.compareAndSet(false, true);
    }

    boolean ready(Snapshot s) {
        return partNumber >= 0 ? s.part(partNumber) != null : s.satisfies(msn, part);
    }
}
