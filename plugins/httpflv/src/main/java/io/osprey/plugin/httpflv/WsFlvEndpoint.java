package io.osprey.plugin.httpflv;

import io.osprey.spi.bus.StreamKey;
import io.osprey.spi.bus.StreamNotFoundException;
import io.osprey.spi.bus.Subscription;
import io.osprey.spi.http.WebSocketFactory;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.websocket.core.CloseStatus;
import org.eclipse.jetty.websocket.core.CoreSession;
import org.eclipse.jetty.websocket.core.Frame;
import org.eclipse.jetty.websocket.core.FrameHandler;
import org.eclipse.jetty.websocket.core.OpCode;
import org.eclipse.jetty.websocket.core.WebSocketCoreSession;
import org.eclipse.jetty.websocket.core.server.ServerUpgradeResponse;

/**
 * {@code ws://host/{app}/{stream}.flv}: the same FLV bytes as HTTP-FLV, one binary message per write (a batch of
 * whole tags). The same access and admission hooks; a refusal known at upgrade time is an HTTP status (404, 403,
 * 429), one known later a close code 4000 + status. Client data is ignored; every frame a client sends (data,
 * continuation, PING, PONG: all but CLOSE) counts in its inbound budget of {@value #MAX_CLIENT_FRAMES} frames per
 * 10 s, and a client past it is closed with 1008 (HOSTILE-INPUTS F8: unsolicited PONGs were a free CPU and bandwidth
 * sink). Every close for a rule, and every protocol error close, is logged once per client and rule per interval.
 * Compression extensions are refused, since per-viewer compression would defeat the shared bytes.
 */
final class WsFlvEndpoint implements WebSocketFactory {

    private static final System.Logger LOG = System.getLogger(WsFlvEndpoint.class.getName());
    /** Incoming frames a client may send per 10 s window (pings, pongs, stray data) before it is closed. */
    static final int MAX_CLIENT_FRAMES = 100;
    private static final long WINDOW_NANOS = 10_000_000_000L;

    private final FlvOutputs outputs;

    WsFlvEndpoint(FlvOutputs outputs) {
        this.outputs = outputs;
    }

    @Override
    public FrameHandler newFrameHandler(Request request, Response response) {
        StreamKey key = FlvHandler.parse(Request.getPathInContext(request));
        if (key == null) {
            response.setStatus(404);
            return null;
        }
        Map<String, String> params = FlvHandler.params(request);
        boolean video = !"0".equals(params.get("video"));
        boolean audio = !"0".equals(params.get("audio"));
        if (!video && !audio) {
            response.setStatus(400);
            return null;
        }
        CompletableFuture<FlvOutputs.Decision> decision = outputs
                .authorize(key, FlvOutputs.WS, FlvHandler.remote(request), params).toCompletableFuture();
        if (decision.isDone()) { // the common case: answer with an HTTP status rather than a close code
            FlvOutputs.Decision d = decision.getNow(null);
            if (d == null || !d.allowed()) {
                response.setStatus(d == null ? 500 : d.status());
                return null;
            }
        }
        if (response instanceof ServerUpgradeResponse upgrade) {
            upgrade.setExtensions(List.of());
        }
        outputs.tuneSocket(request);
        return new Session(key, decision, video, audio, FlvHandler.remote(request));
    }

    /** One WebSocket viewer. */
    private final class Session implements FrameHandler, FlvSink {
        private final StreamKey key;
        private final CompletableFuture<FlvOutputs.Decision> decision;
        private final boolean video;
        private final boolean audio;
        private final String client;
        private volatile CoreSession session;
        private volatile FlvViewer viewer;
        private volatile WsWire wire;
        private long windowStart;
        private int windowFrames;
        /** Set when this close was already logged as a refusal (flood, slow viewer, play gate). */
        private volatile boolean refusalLogged;

        private final java.net.InetSocketAddress remote;

        Session(StreamKey key, CompletableFuture<FlvOutputs.Decision> decision, boolean video, boolean audio,
                java.net.InetSocketAddress remote) {
            this.remote = remote;
            this.client = FlvOutputs.client(remote);
            this.key = key;
            this.decision = decision;
            this.video = video;
            this.audio = audio;
        }

        @Override
        public void onOpen(CoreSession coreSession, Callback callback) {
            session = coreSession;
            if (coreSession instanceof WebSocketCoreSession ws && ws.getConnection() != null) {
                wire = new WsWire(ws.getConnection().getEndPoint());
            }
            coreSession.setMaxTextMessageSize(1024);
            coreSession.setMaxBinaryMessageSize(1024);
            coreSession.setAutoFragment(false);
            callback.succeeded();
            coreSession.demand();
            decision.whenComplete((d, t) -> {
                try {
                    start(d, t);
                } catch (RuntimeException e) {
                    LOG.log(System.Logger.Level.WARNING, "ws-flv " + key + ": cannot start", e);
                    close(CloseStatus.SERVER_ERROR, "internal error");
                }
            });
        }

        private void start(FlvOutputs.Decision d, Throwable t) {
            if (t != null || d == null || !d.allowed()) {
                int status = t != null || d == null ? 500 : d.status();
                refusalLogged = true; // the play gate logged it (a 404 is no refusal)
                close(4000 + Math.min(999, Math.max(0, status)), d == null ? "refused" : d.reason());
                return;
            }
            FlvViewer v = new FlvViewer(outputs, this, d.admission(), FlvOutputs.WS, video, audio, remote);
            Subscription sub;
            try {
                sub = outputs.subscribe(key, v, video, audio);
            } catch (StreamNotFoundException | IllegalStateException e) {
                d.admission().release();
                refusalLogged = true; // an unknown stream is no refusal
                close(4404, "no live stream " + key);
                return;
            }
            viewer = v;
            if (!session.isOutputOpen()) { // the client left while we were deciding
                v.abort("client left", null);
                return;
            }
            v.begin(sub);
        }

        /** Jetty calls this one frame at a time (the next only after {@link CoreSession#demand}). */
        @Override
        public void onFrame(Frame frame, Callback callback) {
            byte op = frame.getOpCode();
            if (op != OpCode.CLOSE && flooded()) {
                callback.succeeded();
                refused("inbound frame budget", "more than " + MAX_CLIENT_FRAMES + " frames in 10 s (last: "
                        + OpCode.name(op) + ")");
                close(CloseStatus.POLICY_VIOLATION, "client sends too much");
                return; // no demand: nothing more is read from this client
            }
            if (op == OpCode.PING) {
                Frame pong = new Frame(OpCode.PONG).setPayload(frame.getPayload());
                send(done -> session.sendFrame(pong, done, false));
            }
            callback.succeeded();
            session.demand();
        }

        private boolean flooded() {
            long now = System.nanoTime();
            if (now - windowStart > WINDOW_NANOS) {
                windowStart = now;
                windowFrames = 0;
            }
            return ++windowFrames > MAX_CLIENT_FRAMES;
        }

        private void refused(String rule, String detail) {
            refusalLogged = true;
            outputs.refused(client, rule, FlvOutputs.WS + " " + key + ": " + detail);
        }

        @Override
        public void onError(Throwable cause, Callback callback) {
            FlvViewer v = viewer;
            if (v != null) {
                v.abort("websocket error: " + cause, cause);
            }
            callback.succeeded();
        }

        @Override
        public void onClosed(CloseStatus closeStatus, Callback callback) {
            int code = closeStatus.getCode();
            if (!refusalLogged && (code == CloseStatus.PROTOCOL || code == CloseStatus.BAD_DATA
                    || code == CloseStatus.BAD_PAYLOAD || code == CloseStatus.POLICY_VIOLATION
                    || code == CloseStatus.MESSAGE_TOO_LARGE || code == CloseStatus.SERVER_ERROR || code >= 4000)) {
                // protocol errors Jetty found (1002, 1003, 1007, 1009) and our own policy closes (1008, 4xxx)
                refused("websocket close " + code, String.valueOf(closeStatus.getReason()));
            }
            FlvViewer v = viewer;
            if (v != null) {
                v.abort("websocket closed: " + closeStatus, null);
            }
            callback.succeeded();
        }

        // ---- FlvSink ----

        @Override
        public void write(ByteBuffer bytes, Callback callback) {
            WsWire w = wire;
            if (w != null) {
                w.binary(bytes, callback); // one message per batch, written with the viewer's non-blocking callback
                return;
            }
            // no access to the socket: one message per batch in frames no larger than the session's frame limit,
            // queued together and flushed in one gathering write by Jetty
            CoreSession s = session;
            int max = (int) Math.min(Integer.MAX_VALUE, s.getMaxFrameSize() > 0 ? s.getMaxFrameSize() : 65536);
            byte op = OpCode.BINARY;
            while (bytes.remaining() > max) {
                ByteBuffer part = bytes.slice(bytes.position(), max);
                bytes.position(bytes.position() + max);
                s.sendFrame(new Frame(op, false, part), Callback.NOOP, true);
                op = OpCode.CONTINUATION;
            }
            s.sendFrame(new Frame(op, true, bytes), callback, false);
        }

        @Override
        public void end() {
            close(CloseStatus.NORMAL, "stream ended");
        }

        @Override
        public String client() {
            return client;
        }

        @Override
        public void abort(String reason, Throwable cause) {
            CoreSession s = session;
            if (s != null && (cause != null || reason.contains("no progress"))) {
                s.abort(); // a close frame would queue behind the stalled or failed writes
                return;
            }
            refusalLogged |= reason.startsWith("too slow"); // logged as a slow viewer
            close(reason.startsWith("too slow") ? CloseStatus.POLICY_VIOLATION : CloseStatus.SHUTDOWN,
                    reason.length() > 100 ? reason.substring(0, 100) : reason);
        }

        private void close(int code, String reason) {
            CoreSession s = session;
            if (s != null) {
                send(done -> s.close(code, reason, done));
            }
        }

        /** A frame Jetty writes (control frames), after the media write in progress, if any. */
        private void send(java.util.function.Consumer<Callback> op) {
            WsWire w = wire;
            if (w != null) {
                w.run(op);
            } else {
                op.accept(Callback.NOOP);
            }
        }
    }
}
