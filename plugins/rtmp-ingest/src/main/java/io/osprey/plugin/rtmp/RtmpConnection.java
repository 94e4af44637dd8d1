package io.osprey.plugin.rtmp;

import io.osprey.media.amf0.Amf0Exception;
import io.osprey.media.amf0.Amf0Reader;
import io.osprey.plugin.rtmp.protocol.Aggregate;
import io.osprey.plugin.rtmp.protocol.ChunkDecoder;
import io.osprey.plugin.rtmp.protocol.ChunkEncoder;
import io.osprey.plugin.rtmp.protocol.Handshake;
import io.osprey.plugin.rtmp.protocol.MessageType;
import io.osprey.plugin.rtmp.protocol.ProtocolControl;
import io.osprey.plugin.rtmp.protocol.RtmpMessage;
import io.osprey.plugin.rtmp.protocol.RtmpProtocolException;
import io.osprey.spi.PluginContext;
import io.osprey.spi.Registration;
import io.osprey.spi.access.Admission;
import io.osprey.spi.access.AdmissionRequest;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.io.AbstractConnection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.util.BufferUtil;
import org.eclipse.jetty.util.Callback;

/**
 * One RTMP connection as a Jetty {@link AbstractConnection}: non-blocking reads feed the handshake, then the chunk
 * decoder; messages go to the control handling here and to {@link CommandHandler}. Writes are queued and sent as
 * one gathered write at a time. Any protocol error closes this connection only, with a logged reason.
 */
final class RtmpConnection extends AbstractConnection implements ChunkDecoder.Listener {

    private static final System.Logger LOG = System.getLogger(RtmpConnection.class.getName());
    private static final SecureRandom RANDOM = new SecureRandom();

    private final PluginContext ctx;
    private final RtmpConfig config;
    private final RtmpConnectionFactory factory;
    private final InetAddress address;
    private final Handshake handshake = new Handshake(RANDOM);
    private final ChunkDecoder decoder;
    private final ChunkEncoder encoder = new ChunkEncoder();
    private final ArrayDeque<ByteBuffer> outQueue = new ArrayDeque<>();
    private final Object outLock = new Object();
    private final Callback writeCallback = new Callback() {
        @Override
        public void succeeded() {
            onWritten();
        }

        @Override
        public void failed(Throwable x) {
            closeWith("write failed: " + x.getMessage());
        }

        @Override
        public InvocationType getInvocationType() {
            return InvocationType.NON_BLOCKING;
        }
    };
    private final CommandHandler commands;
    private ByteBuffer in = BufferUtil.allocate(16 * 1024); // Jetty flush mode: content is position..limit
    private boolean writing;
    private long lastAck;
    private long peerWindow;
    boolean counted;
    private volatile String refusal;
    private volatile String closeReason;
    private Admission admission = Admission.admit();
    private Registration handshakeTimer;
    private Registration firstPacketTimer;

    RtmpConnection(EndPoint endPoint, Executor executor, PluginContext ctx, RtmpConfig config,
                   RtmpConnectionFactory factory, InetAddress address) {
        super(endPoint, executor);
        this.ctx = ctx;
        this.config = config;
        this.factory = factory;
        this.address = address;
        this.decoder = new ChunkDecoder(config.limits(), this);
        this.commands = new CommandHandler(this, ctx, config);
    }

    InetAddress address() {
        return address;
    }

    InetSocketAddress remote() {
        return getEndPoint().getRemoteSocketAddress() instanceof InetSocketAddress a ? a : null;
    }

    String who() {
        InetSocketAddress r = remote();
        return r == null ? "?" : r.getAddress().getHostAddress() + ":" + r.getPort();
    }

    /** Marks this connection to be closed as soon as it opens (over a connection cap). */
    void refuse(String reason) {
        refusal = reason;
    }

    @Override
    public void onOpen() {
        super.onOpen();
        if (refusal != null) {
            closeWith(refusal);
            return;
        }
        admission = ctx.access().admit(new AdmissionRequest(AdmissionRequest.Kind.CONNECTION, "rtmp", remote(), null,
                null));
        if (!admission.admitted()) {
            closeWith("not admitted: " + admission.reason());
            return;
        }
        handshakeTimer = ctx.scheduler().schedule(() -> {
            if (!handshake.isComplete()) {
                closeWith("handshake not completed within " + config.handshakeTimeoutMs + " ms");
            }
        }, config.handshakeTimeoutMs, TimeUnit.MILLISECONDS);
        fillInterested();
    }

    @Override
    public void onFillable() {
        try {
            while (true) {
                if (BufferUtil.space(in) == 0) {
                    in = grow(in);
                }
                int n = getEndPoint().fill(in);
                if (n < 0) {
                    closeWith(commands.isPublishing() ? "publisher closed the connection" : "peer closed the connection");
                    return;
                }
                if (n == 0) {
                    fillInterested();
                    return;
                }
                synchronized (this) {
                    process(in);
                }
                BufferUtil.compact(in);
            }
        } catch (RtmpProtocolException | Amf0Exception e) {
            factory.protocolErrors.inc();
            closeWith("protocol error: " + e.getMessage());
        } catch (IOException e) {
            closeWith("read failed: " + e.getMessage());
        } catch (RuntimeException e) {
            factory.protocolErrors.inc();
            LOG.log(Level.WARNING, "rtmp " + who() + ": unexpected error; closing", e);
            closeWith("internal error: " + e);
        }
    }

    private static ByteBuffer grow(ByteBuffer b) {
        // The decoder consumes whatever arrives, so the buffer only fills if a read lands mid-handshake.
        ByteBuffer n = BufferUtil.allocate(b.capacity() * 2);
        BufferUtil.append(n, b);
        return n;
    }

    private void process(ByteBuffer buf) throws IOException {
        if (closeReason != null) {
            buf.position(buf.limit());
            return;
        }
        if (!handshake.isComplete()) {
            ByteBuffer reply = handshake.feed(buf);
            if (reply.hasRemaining()) {
                write(reply);
            }
            if (!handshake.isComplete()) {
                return;
            }
            cancel(handshakeTimer);
            firstPacketTimer = ctx.scheduler().schedule(() -> {
                if (!commands.isPublishing() && !commands.isPlaying()) {
                    closeWith("no publish or play within " + config.firstPacketTimeoutMs + " ms");
                }
            }, config.firstPacketTimeoutMs, TimeUnit.MILLISECONDS);
        }
        if (buf.hasRemaining()) {
            decoder.parse(buf);
            long read = decoder.bytesRead();
            if (peerWindow > 0 && read - lastAck >= peerWindow) {
                lastAck = read;
                send(ProtocolControl.acknowledgement(read & 0xFFFFFFFFL));
            }
        }
    }

    @Override
    public void onMessage(RtmpMessage m) throws RtmpProtocolException {
        try {
            switch (m.type()) {
                case MessageType.SET_CHUNK_SIZE, MessageType.ABORT, MessageType.ACKNOWLEDGEMENT,
                        MessageType.SET_PEER_BANDWIDTH -> { }
                case MessageType.WINDOW_ACK_SIZE -> peerWindow = ProtocolControl.readUInt32(m);
                case MessageType.USER_CONTROL -> {
                    ProtocolControl.UserControl uc = ProtocolControl.parseUserControl(m);
                    if (uc.event() == 6) { // 7.1.7 PingRequest: answer with PingResponse
                        send(ProtocolControl.pingResponse(uc.value1()));
                    }
                }
                case MessageType.COMMAND_AMF0 -> commands.onCommand(m);
                case MessageType.DATA_AMF0 -> commands.onData(m);
                case MessageType.AUDIO, MessageType.VIDEO -> commands.onMedia(m);
                case MessageType.AGGREGATE -> {
                    RtmpProtocolException[] failure = new RtmpProtocolException[1];
                    Aggregate.split(m, sub -> {
                        if (failure[0] == null) {
                            try {
                                onMessage(sub);
                            } catch (RtmpProtocolException e) {
                                failure[0] = e;
                            }
                        }
                    });
                    if (failure[0] != null) {
                        throw failure[0];
                    }
                }
                case MessageType.COMMAND_AMF3, MessageType.DATA_AMF3, MessageType.SHARED_OBJECT_AMF3,
                        MessageType.SHARED_OBJECT_AMF0 ->
                        throw new RtmpProtocolException(MessageType.name(m.type()) + " messages are not supported");
                default -> {
                    // B10: unknown types are ignored
                }
            }
        } catch (Amf0Exception e) {
            throw new RtmpProtocolException("bad AMF0 in " + MessageType.name(m.type()) + ": " + e.getMessage());
        }
    }

    void startedSession() {
        cancel(firstPacketTimer);
    }

    /** Queues messages and starts a write if none is in flight. Thread-safe. */
    void send(RtmpMessage... messages) {
        synchronized (outLock) {
            for (RtmpMessage m : messages) {
                outQueue.add(encoder.encode(m));
                if (m.type() == MessageType.SET_CHUNK_SIZE && m.streamId() == 0) {
                    encoder.setChunkSize((int) (m.payload().getInt(0) & 0x7FFFFFFF));
                }
            }
        }
        flush();
    }

    /** Queues encoded messages (play). */
    void send(List<RtmpMessage> messages) {
        synchronized (outLock) {
            for (RtmpMessage m : messages) {
                outQueue.add(encoder.encode(m));
            }
        }
        flush();
    }

    private void write(ByteBuffer raw) {
        synchronized (outLock) {
            outQueue.add(raw);
        }
        flush();
    }

    private void flush() {
        ByteBuffer[] bufs;
        synchronized (outLock) {
            if (writing || outQueue.isEmpty() || closeReason != null) {
                return;
            }
            writing = true;
            bufs = outQueue.toArray(new ByteBuffer[0]);
            outQueue.clear();
        }
        getEndPoint().write(writeCallback, bufs);
    }

    private void onWritten() {
        boolean more;
        synchronized (outLock) {
            writing = false;
            more = !outQueue.isEmpty();
        }
        if (more) {
            flush();
        } else {
            commands.onDrained();
        }
    }

    /** Whether nothing is queued or being written (play sessions poll only then). */
    boolean idle() {
        synchronized (outLock) {
            return !writing && outQueue.isEmpty();
        }
    }

    /** Closes with a logged reason; idempotent. */
    void closeWith(String reason) {
        if (closeReason == null) {
            closeReason = reason;
            LOG.log(Level.INFO, "rtmp {0}: closing: {1}", who(), reason);
        }
        getEndPoint().close();
    }

    @Override
    public void onClose(Throwable cause) {
        super.onClose(cause);
        String reason = closeReason != null ? closeReason : cause != null ? String.valueOf(cause.getMessage())
                : "connection closed";
        closeReason = reason;
        cancel(handshakeTimer);
        cancel(firstPacketTimer);
        synchronized (this) {
            commands.onClose(reason);
        }
        admission.release();
        factory.closed(this);
    }

    private static void cancel(Registration r) {
        if (r != null) {
            r.close();
        }
    }

    /** For commands that reply with a parse error after the handshake. */
    static List<Object> decode(RtmpMessage m) throws Amf0Exception {
        return Amf0Reader.decodeAll(m.payload());
    }
}
