package io.osprey.plugin.rtmp;

import io.osprey.media.amf0.Amf0Exception;
import io.osprey.plugin.rtmp.protocol.Aggregate;
import io.osprey.plugin.rtmp.protocol.ChunkDecoder;
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
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.io.AbstractConnection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.util.BufferUtil;

/**
 * One RTMP (or RTMPS: the same connection behind Jetty's TLS) connection as a Jetty {@link AbstractConnection}:
 * non-blocking reads feed the handshake, then the chunk decoder; messages go to the control handling here and to
 * {@link CommandHandler}; replies go through the {@link RtmpWriter}. Any protocol error closes this connection only,
 * with a logged reason.
 *
 * <p>Reads run on the selector thread ({@link AbstractConnection.NonBlocking}), with no hand-off to the pool per
 * read: nothing on the read path blocks (handshake and chunk parsing, pushes into the bus's lock-free ring, queued
 * non-blocking writes; access checks complete asynchronously and admission answers from memory).
 */
final class RtmpConnection extends AbstractConnection.NonBlocking implements ChunkDecoder.Listener, RtmpWriter.Owner {

    private static final System.Logger LOG = System.getLogger(RtmpConnection.class.getName());
    private static final SecureRandom RANDOM = new SecureRandom();

    private final PluginContext ctx;
    private final RtmpConfig config;
    private final RtmpConnectionFactory factory;
    private final InetAddress address;
    private final String who;
    private final Handshake handshake = new Handshake(RANDOM);
    private final ChunkDecoder decoder;
    private final RtmpWriter writer;
    private final CommandHandler commands;
    private ByteBuffer in = BufferUtil.allocate(16 * 1024); // Jetty flush mode: content is position..limit
    private long lastAck;
    private long peerWindow;
    private long controlWindowStart;
    private int controlMessages;
    private long dataWindowStart;
    private int dataMessages;
    /** Whether this connection holds a slot of the connection caps. */
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
        InetSocketAddress r = remote();
        this.who = factory.protocol() + " " + (r == null ? "?" : r.getAddress().getHostAddress() + ":" + r.getPort());
        this.decoder = new ChunkDecoder(config.limits(), this, true); // media bodies are copied by FlvToBus
        this.writer = new RtmpWriter(endPoint, this);
        this.commands = new CommandHandler(this, ctx, config, factory);
    }

    InetAddress address() {
        return address;
    }

    InetSocketAddress remote() {
        return getEndPoint().getRemoteSocketAddress() instanceof InetSocketAddress a ? a : null;
    }

    /** {@code rtmp 1.2.3.4:5678}, for logs. */
    String who() {
        return who;
    }

    /** {@code rtmp} or {@code rtmps}. */
    String protocol() {
        return factory.protocol();
    }

    /** Bytes held in partial messages by the chunk decoder (for the buffered-bytes gauge). */
    long bufferedBytes() {
        return decoder.bufferedBytes();
    }

    /** Whether {@link #closeWith} was called or the connection closed. */
    boolean isClosed() {
        return closeReason != null;
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
        admission = ctx.access().admit(new AdmissionRequest(AdmissionRequest.Kind.CONNECTION, protocol(), remote(),
                null, null));
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
                    closeWith(commands.isPublishing() ? "publisher closed the connection"
                            : "peer closed the connection");
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
                if (writer.pauseReadingIfBacklogged()) {
                    return; // A4: the peer does not read what we send; read on when the queue drains
                }
            }
        } catch (RtmpProtocolException | Amf0Exception e) {
            factory.protocolErrors.inc();
            closeWith("protocol error: " + e.getMessage());
        } catch (IOException e) {
            closeWith("read failed: " + e.getMessage());
        } catch (RuntimeException | StackOverflowError e) {
            factory.protocolErrors.inc();
            LOG.log(Level.WARNING, who + ": unexpected error; closing", e);
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
                writer.raw(reply);
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
                // 5.4.3 Acknowledgement: after each window of bytes received
                lastAck = read;
                send(ProtocolControl.acknowledgement(read & 0xFFFFFFFFL));
            }
        }
    }

    @Override
    public void onMessage(RtmpMessage m) throws RtmpProtocolException {
        try {
            switch (m.type()) {
                case MessageType.AUDIO, MessageType.VIDEO -> commands.onMedia(m);
                case MessageType.DATA_AMF0 -> {
                    countData(m);
                    commands.onData(m);
                }
                case MessageType.AGGREGATE -> aggregate(m);
                case MessageType.COMMAND_AMF0 -> {
                    countControl(m);
                    commands.onCommand(m);
                }
                case MessageType.SET_CHUNK_SIZE, MessageType.ABORT, MessageType.ACKNOWLEDGEMENT,
                        MessageType.SET_PEER_BANDWIDTH -> countControl(m);
                case MessageType.WINDOW_ACK_SIZE -> {
                    countControl(m);
                    // 5.4.4; a window of 0 would mean an acknowledgement per read: ignore it (B9)
                    long w = ProtocolControl.readUInt32(m);
                    peerWindow = w == 0 ? peerWindow : w;
                }
                case MessageType.USER_CONTROL -> {
                    countControl(m);
                    ProtocolControl.UserControl uc = ProtocolControl.parseUserControl(m);
                    if (uc.event() == ProtocolControl.PING_REQUEST) { // 7.1.7: answer with a PingResponse
                        send(ProtocolControl.pingResponse(uc.value1()));
                    }
                }
                case MessageType.COMMAND_AMF3, MessageType.DATA_AMF3, MessageType.SHARED_OBJECT_AMF3,
                        MessageType.SHARED_OBJECT_AMF0 ->
                        throw new RtmpProtocolException(MessageType.name(m.type()) + " messages are not supported");
                default -> countControl(m); // B10: unknown types are ignored, but count against the budget
            }
        } catch (Amf0Exception e) {
            throw new RtmpProtocolException("bad AMF0 in " + MessageType.name(m.type()) + ": " + e.getMessage());
        }
    }

    private void aggregate(RtmpMessage m) throws RtmpProtocolException {
        RtmpProtocolException[] failure = new RtmpProtocolException[1];
        Aggregate.split(m, sub -> {
            if (failure[0] == null) {
                try {
                    if (sub.type() == MessageType.AGGREGATE) {
                        throw new RtmpProtocolException("aggregate message inside an aggregate message");
                    }
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

    /** A4: a flood of small non-media messages is a deterministic disconnect, not a growing backlog. */
    private void countControl(RtmpMessage m) throws RtmpProtocolException {
        long now = System.nanoTime();
        if (now - controlWindowStart > 1_000_000_000L) {
            controlWindowStart = now;
            controlMessages = 0;
        }
        if (++controlMessages > config.maxControlMessagesPerSecond) {
            String why = "more than " + config.maxControlMessagesPerSecond
                    + " control and command messages in one second (last: " + MessageType.name(m.type()) + ")";
            factory.ingest().refusals.refuse(Ingest.client(address), "control message budget", who + ": " + why);
            throw new RtmpProtocolException(why);
        }
    }

    /**
     * Issue 13: data messages ({@code @setDataFrame}, cue points, timecodes) have their own budget,
     * {@code maxDataMessagesPerSecond}; 240,000 of them in 30 s were accepted before, each parsed and fanned out.
     */
    private void countData(RtmpMessage m) throws RtmpProtocolException {
        long now = System.nanoTime();
        if (now - dataWindowStart > 1_000_000_000L) {
            dataWindowStart = now;
            dataMessages = 0;
        }
        if (++dataMessages > config.maxDataMessagesPerSecond) {
            String why = "more than " + config.maxDataMessagesPerSecond + " data messages in one second";
            factory.ingest().refusals.refuse(Ingest.client(address), "data message budget", who + ": " + why);
            throw new RtmpProtocolException(why);
        }
    }

    void startedSession() {
        cancel(firstPacketTimer);
    }

    /** Queues messages and starts a write if none is in flight. Thread-safe. */
    void send(RtmpMessage... messages) {
        writer.send(messages);
    }

    /** Queues messages in order (play). */
    void send(List<RtmpMessage> messages) {
        writer.send(messages);
    }

    /** Queues messages chunked once for many connections with {@link #outChunkSize} (play); see RtmpWriter. */
    void sendChunked(List<ByteBuffer> chunked, int csids) {
        writer.sendChunked(chunked, csids);
    }

    /** The chunk size this connection announced and chunks with. */
    int outChunkSize() {
        return writer.chunkSize();
    }

    /** Whether nothing is queued or being written (play sessions poll only then). */
    boolean idle() {
        return writer.idle();
    }

    @Override
    public void onDrained(boolean resumeReading) {
        if (resumeReading && closeReason == null) {
            fillInterested();
        }
        commands.onDrained();
    }

    @Override
    public void onWriteFailed(Throwable x) {
        closeWith("write failed: " + x.getMessage());
    }

    /** Closes with a logged reason; idempotent. */
    void closeWith(String reason) {
        if (closeReason == null) {
            closeReason = reason;
            LOG.log(Level.INFO, "{0}: closing: {1}", who, reason);
        }
        writer.close();
        getEndPoint().close();
    }

    @Override
    public void onClose(Throwable cause) {
        super.onClose(cause);
        String reason = closeReason != null ? closeReason : cause != null ? String.valueOf(cause.getMessage())
                : "connection closed";
        if (closeReason == null) {
            closeReason = reason;
            LOG.log(Level.INFO, "{0}: closed: {1}", who, reason);
        }
        writer.close();
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
}
