package io.osprey.plugin.rtmp;

import io.osprey.media.amf0.Amf0Exception;
import io.osprey.media.flv.FlvFormatException;
import io.osprey.media.flv.FlvReader;
import io.osprey.media.flv.FlvTag;
import io.osprey.spi.bus.StreamKey;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.function.Consumer;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * One HTTP-FLV push: the request body is read without blocking ({@link Request#read()} and
 * {@link Request#demand}), each piece is fed to a resumable {@link FlvReader} and released at once, so what is held
 * is at most one partial tag (bounded by {@code maxMessageSize}, HOSTILE-INPUTS E2) and TCP applies backpressure
 * while a piece is being published. The tags go to a {@link PublishSession} as RTMP's do. The end of the body ends
 * the stream (200, or 400 when it ends inside a tag: what came before is kept); a malformed body closes with 400; a
 * dropped connection leaves the stream to the bus's reconnect grace. Reads are serial; {@link #abort} may come from any thread.
 */
final class PushSession implements FlvReader.Listener {

    private static final System.Logger LOG = System.getLogger(PushSession.class.getName());

    private final Ingest ingest;
    private final Request request;
    private final Response response;
    private final Callback callback;
    private final StreamKey key;
    private final InetSocketAddress remote;
    private final Runnable releaseSlots;
    private final Consumer<PushSession> onDone;
    private final String who;
    private final FlvReader reader;
    private final int maxDataPerSecond;
    private PublishSession publishing;
    private boolean done;
    private long dataWindowStart;
    private int dataTags;

    PushSession(Ingest ingest, Request request, Response response, Callback callback, StreamKey key,
                InetSocketAddress remote, Runnable releaseSlots, Consumer<PushSession> onDone) {
        this.ingest = ingest;
        this.request = request;
        this.response = response;
        this.callback = callback;
        this.key = key;
        this.remote = remote;
        this.releaseSlots = releaseSlots;
        this.onDone = onDone;
        this.who = PushHandler.PROTOCOL + " " + (remote == null ? "?"
                : remote.getAddress().getHostAddress() + ":" + remote.getPort());
        RtmpConfig config = ingest.config;
        this.reader = new FlvReader(config.maxMessageSize, this);
        this.maxDataPerSecond = config.maxDataMessagesPerSecond;
    }

    void start(Map<String, String> params) {
        ingest.gate.open(key, PushHandler.PROTOCOL, remote, params, reason -> abort("publisher of " + key
                + " evicted: " + reason, 409)).whenComplete((o, t) -> {
                    synchronized (this) {
                        if (done) {
                            if (o != null && o.granted()) {
                                o.publisher().disconnect("the push ended while it was being checked");
                            }
                            return;
                        }
                        if (t != null || !o.granted()) {
                            int status = t != null ? 500 : switch (o.refusal()) {
                                case DENIED -> 403;
                                case BUSY -> 409;
                                case UNAVAILABLE -> 503;
                            };
                            String why = t != null ? "publish failed" : o.reason();
                            ingest.refusals.refuse(client(), PushHandler.PROTOCOL + " publish refused " + status,
                                    key + ": " + why);
                            finish("publish of " + key + " refused: " + why, status, why);
                            return;
                        }
                        publishing = new PublishSession(o.publisher(), key, who, ingest.ctx.access(),
                                PushHandler.PROTOCOL, remote);
                        ingest.watchdog.watch(publishing, why -> abort(why, 408));
                        LOG.log(Level.INFO, "{0}: publishing {1}", who, key);
                    }
                    read();
                });
    }

    /** Reads what has arrived, then asks to be called again; runs on Jetty's threads, one call at a time. */
    private void read() {
        while (true) {
            Content.Chunk chunk = request.read();
            if (chunk == null) {
                request.demand(this::read);
                return;
            }
            if (Content.Chunk.isFailure(chunk)) {
                synchronized (this) {
                    lost("read failed: " + chunk.getFailure(), chunk.getFailure());
                }
                return;
            }
            boolean last = chunk.isLast();
            try {
                synchronized (this) {
                    if (done) {
                        return;
                    }
                    ByteBuffer b = chunk.getByteBuffer();
                    if (b.hasRemaining()) {
                        reader.feed(b);
                    }
                    if (last) {
                        String cut = reader.truncation();
                        if (cut != null) {
                            // what came before the cut is published and kept; the client learns its body was short
                            ingest.protocolErrors.inc();
                            finish("the push body ended inside the FLV stream: " + cut, 400,
                                    "body ended inside the FLV stream: " + cut);
                        } else {
                            finish("the push ended", 200, null);
                        }
                        return;
                    }
                }
            } catch (FlvFormatException e) {
                ingest.protocolErrors.inc();
                synchronized (this) {
                    finish("bad FLV: " + e.getMessage(), 400, "bad FLV: " + e.getMessage());
                }
                return;
            } catch (RuntimeException e) {
                ingest.protocolErrors.inc();
                LOG.log(Level.WARNING, who + ": unexpected error; closing", e);
                synchronized (this) {
                    finish("internal error: " + e, 500, "internal error");
                }
                return;
            } finally {
                chunk.release();
            }
        }
    }

    private String client() {
        return remote == null ? "?" : Ingest.client(remote.getAddress());
    }

    @Override
    public void onHeader(boolean audio, boolean video) {
        // E.2 TypeFlags are advisory: the tracks are whatever the tags declare
    }

    @Override
    public void onTag(FlvTag tag) throws FlvFormatException {
        switch (tag.type()) {
            case FlvTag.AUDIO, FlvTag.VIDEO -> publishing.onMedia(tag.type(), tag.timestamp(), tag.body());
            case FlvTag.SCRIPT -> {
                countData();
                try {
                    publishing.onData(tag.timestamp(), tag.body());
                } catch (Amf0Exception e) {
                    throw new FlvFormatException("bad script tag: " + e.getMessage());
                }
            }
            default -> { }
        }
    }

    /** The data message budget of RTMP ({@code maxDataMessagesPerSecond}) for script tags, by wall clock. */
    private void countData() throws FlvFormatException {
        long now = System.nanoTime();
        if (now - dataWindowStart > 1_000_000_000L) {
            dataWindowStart = now;
            dataTags = 0;
        }
        if (++dataTags > maxDataPerSecond) {
            String why = "more than " + maxDataPerSecond + " script tags in one second";
            ingest.refusals.refuse(client(), "data message budget", who + ": " + why);
            throw new FlvFormatException(why);
        }
    }

    /** Ends the stream on purpose (status 200) or for an error, answering {@code status}; under the lock. */
    private void finish(String reason, int status, String error) {
        if (!release(reason)) {
            return;
        }
        if (publishing != null) {
            publishing.close(reason);
        }
        if (status == 200) {
            response.setStatus(200);
            response.write(true, null, callback);
        } else {
            Response.writeError(request, response, callback, status, error);
        }
    }

    /** The client went away mid-stream: the bus waits for it to return; under the lock. */
    private void lost(String reason, Throwable cause) {
        if (!release(reason)) {
            return;
        }
        if (publishing != null) {
            publishing.lost(reason);
        }
        callback.failed(cause);
    }

    /**
     * Closes from outside (idle watchdog 408, eviction 409, plugin stop 503): the stream is left to the bus's grace,
     * the client gets {@code status} and Jetty closes the connection with the body unread. Thread-safe.
     */
    void abort(String reason, int status) {
        synchronized (this) {
            if (!release(reason)) {
                return;
            }
            if (publishing != null) {
                publishing.lost(reason);
            }
            Response.writeError(request, response, callback, status, reason);
        }
    }

    private boolean release(String reason) {
        if (done) {
            return false;
        }
        done = true;
        LOG.log(Level.INFO, "{0}: closing: {1}", who, reason);
        if (publishing != null) {
            ingest.watchdog.unwatch(publishing);
        }
        releaseSlots.run();
        onDone.accept(this);
        return true;
    }
}
