package io.osprey.plugin.rtmp;

import io.osprey.media.amf0.Amf0Exception;
import io.osprey.media.flv.FlvFormatException;
import io.osprey.plugin.rtmp.protocol.MessageType;
import io.osprey.plugin.rtmp.protocol.ProtocolControl;
import io.osprey.plugin.rtmp.protocol.RtmpMessage;
import io.osprey.plugin.rtmp.protocol.RtmpProtocolException;
import io.osprey.spi.PluginContext;
import io.osprey.spi.access.AccessRequest;
import io.osprey.spi.access.Action;
import io.osprey.spi.access.Admission;
import io.osprey.spi.access.AdmissionRequest;
import io.osprey.spi.bus.StreamKey;
import io.osprey.spi.bus.DemandRequest;
import io.osprey.spi.bus.StreamNotFoundException;
import io.osprey.spi.bus.SubscribeOptions;
import io.osprey.spi.bus.Subscription;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletionException;

/**
 * NetConnection and NetStream commands (RTMP 7.2): connect, createStream, publish, play and their teardown, with
 * every argument type-checked (HOSTILE-INPUTS C5, C6, C9) and names validated before use (C10).
 */
final class CommandHandler {

    private static final System.Logger LOG = System.getLogger(CommandHandler.class.getName());
    private static final int MAX_STREAMS = 8;

    private final RtmpConnection conn;
    private final PluginContext ctx;
    private final RtmpConfig config;
    private final Ingest ingest;
    private String app;
    private final Map<String, String> connectParams = new HashMap<>();
    private int nextStreamId = 1;
    private PublishSession publishing;
    private PlaySession playing;
    private boolean pending;
    /** The publish or play session's admission (stream caps), released when the session ends. */
    private Admission admission;
    private long playStartedNanos;

    CommandHandler(RtmpConnection conn, PluginContext ctx, RtmpConfig config, RtmpConnectionFactory factory) {
        this.conn = conn;
        this.ctx = ctx;
        this.config = config;
        this.ingest = factory.ingest();
    }

    boolean isPublishing() {
        return publishing != null;
    }

    boolean isPlaying() {
        return playing != null;
    }

    void onCommand(RtmpMessage m) throws RtmpProtocolException {
        Command c = Command.parse(m.payload());
        String name = c.name();
        double txId = c.txId();
        switch (name) {
            case "connect" -> connect(c);
            case "createStream" -> {
                if (nextStreamId > MAX_STREAMS) {
                    throw new RtmpProtocolException("more than " + MAX_STREAMS + " createStream calls");
                }
                conn.send(Commands.result(txId, (double) nextStreamId++));
            }
            case "releaseStream", "FCPublish", "FCSubscribe" -> {
                if (txId > 0) {
                    conn.send(Commands.result(txId, Commands.undefined()));
                }
            }
            case "publish" -> publish(m.streamId(), c);
            case "play" -> play(m.streamId(), c);
            case "FCUnpublish", "deleteStream", "closeStream" -> endSession("client sent " + name);
            case "getStreamLength" -> conn.send(Commands.result(txId, 0.0));
            case "_checkbw", "_result", "_error", "onBWDone", "pause", "receiveAudio", "receiveVideo", "seek" -> { }
            default -> LOG.log(Level.DEBUG, "rtmp {0}: ignoring command {1}", conn.who(), abbreviate(name));
        }
    }

    private void connect(Command c) throws RtmpProtocolException {
        if (app != null) {
            throw new RtmpProtocolException("connect sent twice");
        }
        double txId = c.txId();
        String a = c.app();
        int q = a.indexOf('?');
        if (q >= 0) {
            parseQuery(a.substring(q + 1), connectParams);
            a = a.substring(0, q);
        }
        while (a.endsWith("/")) {
            a = a.substring(0, a.length() - 1);
        }
        if (!StreamKey.isValidPart(a)) {
            conn.send(Commands.error(txId, "NetConnection.Connect.Rejected", "invalid app name"));
            throw new RtmpProtocolException("invalid app name '" + abbreviate(a) + "'");
        }
        String tcUrl = c.tcUrl();
        if (tcUrl != null) {
            int tq = tcUrl.indexOf('?');
            if (tq >= 0 && tcUrl.length() < Command.MAX_QUERY) {
                parseQuery(tcUrl.substring(tq + 1), connectParams);
            }
        }
        Admission rate = admit(null, connectParams, null);
        if (!rate.admitted()) {
            conn.send(Commands.error(txId, "NetConnection.Connect.Rejected", rate.reason()));
            conn.closeWith("connect refused: " + rate.reason());
            return;
        }
        app = a;
        conn.send(ProtocolControl.windowAckSize(config.windowAckSize),
                ProtocolControl.setPeerBandwidth(config.windowAckSize, 2),
                ProtocolControl.setChunkSize(config.outChunkSize),
                Commands.connectResult(txId));
    }

    private void publish(int streamId, Command c) throws RtmpProtocolException {
        if (app == null) {
            throw new RtmpProtocolException("publish before connect");
        }
        String rawName = c.streamName();
        if (publishing != null || playing != null || pending) {
            throw new RtmpProtocolException("publish on a connection that already publishes or plays");
        }
        Map<String, String> params = new HashMap<>(connectParams);
        String name = splitQuery(rawName, params);
        if (!StreamKey.isValidPart(name)) {
            conn.send(Commands.status(streamId, "error", "NetStream.Publish.BadName", "invalid stream name"));
            throw new RtmpProtocolException("invalid stream name '" + abbreviate(name) + "'");
        }
        StreamKey key = new StreamKey(app, name);
        if (!admitted(streamId, key, params, Action.PUBLISH, "NetStream.Publish.Rejected")) {
            return;
        }
        pending = true;
        ingest.gate.open(key, conn.protocol(), conn.remote(), params,
                reason -> conn.closeWith("publisher of " + key + " evicted: " + reason)).whenComplete((o, t) -> {
                    synchronized (conn) {
                        pending = false;
                        if (t != null) {
                            releaseAdmission();
                            conn.closeWith("publish of " + key + " failed: " + t);
                        } else if (o.granted()) {
                            startPublish(streamId, key, o.publisher());
                        } else {
                            releaseAdmission();
                            refusePublish(streamId, key, o);
                        }
                    }
                });
    }

    private void refusePublish(int streamId, StreamKey key, PublishGate.Outcome o) {
        // 7.2.2.6 / nginx-rtmp and SRS: a busy or refused name is NetStream.Publish.BadName; a denial by the access
        // hook (wrong or missing key, address, callback) is .BadAuth, the code OBS and ffmpeg report as such
        String code = o.refusal() == PublishGate.Refusal.DENIED ? "NetStream.Publish.BadAuth"
                : "NetStream.Publish.BadName";
        conn.send(Commands.status(streamId, "error", code, o.reason()));
        conn.closeWith("publish of " + key + " refused (" + o.refusal().name().toLowerCase(java.util.Locale.ROOT)
                + "): " + o.reason());
    }

    private void startPublish(int streamId, StreamKey key, io.osprey.spi.bus.Publisher p) {
        if (conn.isClosed()) {
            p.disconnect("the connection closed while the publish was being checked");
            return;
        }
        publishing = new PublishSession(p, key, conn.who(), ctx.access(), conn.protocol(), conn.remote());
        ingest.watchdog.watch(publishing, conn::closeWith);
        conn.startedSession();
        conn.send(ProtocolControl.streamBegin(streamId),
                Commands.status(streamId, "status", "NetStream.Publish.Start", key + " is now published."));
        LOG.log(Level.INFO, "{0}: publishing {1}", conn.who(), key);
    }

    private void play(int streamId, Command c) throws RtmpProtocolException {
        if (app == null) {
            throw new RtmpProtocolException("play before connect");
        }
        String rawName = c.streamName();
        if (publishing != null || playing != null || pending) {
            throw new RtmpProtocolException("play on a connection that already publishes or plays");
        }
        Map<String, String> params = new HashMap<>(connectParams);
        String name = splitQuery(rawName, params);
        if (!StreamKey.isValidPart(name)) {
            conn.send(Commands.status(streamId, "error", "NetStream.Play.StreamNotFound", "invalid stream name"));
            throw new RtmpProtocolException("invalid stream name '" + abbreviate(name) + "'");
        }
        StreamKey key = new StreamKey(app, name);
        if (!admitted(streamId, key, params, Action.PLAY, "NetStream.Play.Failed")) {
            return;
        }
        pending = true;
        AccessRequest request = new AccessRequest(Action.PLAY, key, conn.protocol(), conn.remote(), params);
        ctx.access().check(request).whenComplete((d, t) -> {
            synchronized (conn) {
                if (t != null || !d.allowed()) {
                    pending = false;
                    releaseAdmission();
                    String why = t != null ? "access check failed" : d.reason();
                    conn.send(Commands.status(streamId, "error", "NetStream.Play.Failed", why));
                    conn.closeWith("play of " + key + " denied: " + why);
                    return;
                }
            }
            // live, or started on demand by a provider (relay, pulled source) within playWaitMs
            ctx.bus().demand(key, new DemandRequest(conn.protocol(), params), Duration.ofMillis(config.playWaitMs))
                    .whenComplete((s, failed) -> {
                        synchronized (conn) {
                            pending = false;
                            if (failed != null) {
                                Throwable cause = failed instanceof CompletionException && failed.getCause() != null
                                        ? failed.getCause() : failed;
                                notFound(streamId, key, cause.getMessage());
                            } else {
                                startPlay(streamId, key);
                            }
                        }
                    });
        });
    }

    private void notFound(int streamId, StreamKey key, String why) {
        releaseAdmission();
        conn.send(Commands.status(streamId, "error", "NetStream.Play.StreamNotFound", why));
        conn.closeWith("play of " + key + ": " + why);
    }

    private void startPlay(int streamId, StreamKey key) {
        if (conn.isClosed()) {
            return;
        }
        ChunkLog log = ingest.acquireLog(key);
        PlaySession session = new PlaySession(conn, streamId, key, log, () -> ingest.releaseLog(key, log),
                ingest.playMerger, ingest.players);
        Subscription sub;
        try {
            sub = ctx.bus().subscribe(key, SubscribeOptions.viewer(conn.protocol()), session);
        } catch (StreamNotFoundException e) { // ended between the demand and the subscription
            session.close(); // releases the log and the player count
            notFound(streamId, key, "no live stream " + key);
            return;
        }
        playing = session;
        playStartedNanos = System.nanoTime();
        conn.startedSession();
        session.begin(sub);
        LOG.log(Level.INFO, "{0}: playing {1}", conn.who(), key);
    }

    void onData(RtmpMessage m) throws Amf0Exception {
        if (publishing != null) {
            publishing.onData(m.timestamp(), m.payload());
        }
    }

    void onMedia(RtmpMessage m) throws RtmpProtocolException {
        if (publishing != null) {
            try {
                publishing.onMedia(m.type(), m.timestamp(), m.payload());
            } catch (FlvFormatException e) {
                throw new RtmpProtocolException("bad " + MessageType.name(m.type()) + " message: " + e.getMessage());
            }
        }
    }

    void onDrained() {
        PlaySession p = playing;
        if (p != null) {
            p.onDrained();
        }
    }

    /**
     * The admission hook for a publish or play command: the client's request rate (asked without the stream, as for
     * {@code connect}), then the stream's rate and caps as a connection held until the session ends. A refusal is
     * an error status carrying the reason, then the connection closes.
     */
    private boolean admitted(int streamId, StreamKey key, Map<String, String> params, Action action, String code) {
        Admission a = admit(key, params, action);
        if (a.admitted()) {
            admission = a;
            a.onRevoke(reason -> conn.closeWith("admission revoked: " + reason));
            return true;
        }
        conn.send(Commands.status(streamId, "error", code, a.reason()));
        conn.closeWith(action.name().toLowerCase(java.util.Locale.ROOT) + " of " + key + " not admitted: " + a.reason());
        return false;
    }

    private Admission admit(StreamKey key, Map<String, String> params, Action action) {
        String token = params.get("token");
        Admission rate = ctx.access().admit(new AdmissionRequest(AdmissionRequest.Kind.REQUEST, conn.protocol(),
                conn.remote(), null, token));
        if (!rate.admitted() || key == null) {
            return rate;
        }
        return ctx.access().admit(new AdmissionRequest(AdmissionRequest.Kind.CONNECTION, conn.protocol(),
                conn.remote(), key, token, action));
    }

    private void releaseAdmission() {
        Admission a = admission;
        admission = null;
        if (a != null) {
            a.release();
        }
    }

    private void endSession(String why) {
        releaseAdmission();
        if (publishing != null) {
            ingest.watchdog.unwatch(publishing);
            publishing.close(why);
            publishing = null;
        }
        if (playing != null) {
            playing.close();
            playEnded(why);
            playing = null;
        }
    }

    private void playEnded(String why) {
        ctx.access().ended(new io.osprey.spi.access.SessionEnd(io.osprey.spi.access.SessionEnd.Kind.PLAY,
                playing.key(), conn.protocol(), conn.remote(), (System.nanoTime() - playStartedNanos) / 1_000_000,
                playing.bytesSent(), why, Map.of()));
    }

    void onClose(String reason) {
        releaseAdmission();
        if (publishing != null) {
            ingest.watchdog.unwatch(publishing);
            publishing.lost(reason);
            publishing = null;
        }
        if (playing != null) {
            playing.close();
            playEnded(reason);
            playing = null;
        }
    }

    private static String splitQuery(String raw, Map<String, String> params) {
        return Command.splitQuery(raw, params);
    }

    private static void parseQuery(String query, Map<String, String> out) {
        Command.parseQuery(query, out);
    }

    private static String abbreviate(String s) {
        return Command.abbreviate(s);
    }
}
