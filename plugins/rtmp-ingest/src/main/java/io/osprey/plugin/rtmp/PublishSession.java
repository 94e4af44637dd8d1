package io.osprey.plugin.rtmp;

import io.osprey.media.amf0.Amf0Exception;
import io.osprey.media.flv.FlvFormatException;
import io.osprey.media.flv.FlvTag;
import io.osprey.media.live.FlvToBus;
import io.osprey.spi.access.AccessControl;
import io.osprey.spi.access.SessionEnd;
import io.osprey.spi.bus.Publisher;
import io.osprey.spi.bus.StreamKey;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.Map;

/**
 * A publisher's side of the bus, the same for RTMP and HTTP-FLV push: FLV tag bodies go through the shared
 * {@link FlvToBus} bridge (configs, frames, metadata, timestamp unwrapping); this class adds the session's identity
 * for logs and what the idle-publisher watchdog reads. Called by one thread at a time (the connection's reads);
 * {@link #lastMediaNanos} is read by the watchdog.
 */
final class PublishSession {

    private static final System.Logger LOG = System.getLogger(PublishSession.class.getName());

    private final Publisher publisher;
    private final StreamKey key;
    private final String who;
    private final FlvToBus bridge;
    private final long startedNanos = System.nanoTime();
    private volatile long lastMediaNanos;
    private final AccessControl access;
    private final String protocol;
    private final InetSocketAddress remote;
    private long bytes;
    private boolean reported;

    /** {@code access} is told when the session ends ({@link SessionEnd}), with the bytes of media received. */
    PublishSession(Publisher publisher, StreamKey key, String who, AccessControl access, String protocol,
                   InetSocketAddress remote) {
        this.publisher = publisher;
        this.key = key;
        this.who = who;
        this.access = access;
        this.protocol = protocol;
        this.remote = remote;
        this.bridge = new FlvToBus(publisher, m -> LOG.log(Level.WARNING, "{0}: {1}: {2}", who, key, m));
    }

    /** When publishing started, {@link System#nanoTime()}. */
    long startedNanos() {
        return startedNanos;
    }

    /** When the last audio or video frame was pushed, {@link System#nanoTime()}; 0 before the first. */
    long lastMediaNanos() {
        return lastMediaNanos;
    }

    StreamKey key() {
        return key;
    }

    /**
     * An audio ({@link FlvTag#AUDIO}) or video ({@link FlvTag#VIDEO}) tag body with its 32-bit timestamp.
     *
     * @throws FlvFormatException if the body is malformed (the caller closes the connection)
     */
    void onMedia(int type, long timestamp32, ByteBuffer body) throws FlvFormatException {
        bytes += body.remaining();
        if (bridge.media(type, timestamp32, body) > 0) {
            lastMediaNanos = System.nanoTime();
        }
    }

    /** A script data body (RTMP data message, FLV script tag) with its 32-bit timestamp. */
    void onData(long timestamp32, ByteBuffer body) throws Amf0Exception {
        bytes += body.remaining();
        bridge.data(timestamp32, body);
    }

    /** The client ended the stream on purpose. */
    void close(String why) {
        LOG.log(Level.INFO, "{0}: {1} unpublished ({2})", who, key, why);
        publisher.close();
        bridge.close();
        report(why);
    }

    /** The connection went away: the bus waits for a reconnect. */
    void lost(String reason) {
        publisher.disconnect(reason);
        bridge.close();
        report(reason);
    }

    private void report(String reason) {
        if (reported) {
            return;
        }
        reported = true;
        access.ended(new SessionEnd(SessionEnd.Kind.PUBLISH, key, protocol, remote,
                (System.nanoTime() - startedNanos) / 1_000_000, bytes, reason, Map.of()));
    }
}
