package io.osprey.plugin.rtmp;

import io.osprey.media.amf0.Amf0Exception;
import io.osprey.media.amf0.Amf0Object;
import io.osprey.media.amf0.Amf0Reader;
import io.osprey.media.amf0.Amf0Writer;
import io.osprey.media.flv.FlvTag;
import io.osprey.plugin.rtmp.protocol.ChunkDecoder;
import io.osprey.plugin.rtmp.protocol.ChunkEncoder;
import io.osprey.plugin.rtmp.protocol.MessageType;
import io.osprey.plugin.rtmp.protocol.ProtocolControl;
import io.osprey.plugin.rtmp.protocol.RtmpLimits;
import io.osprey.plugin.rtmp.protocol.RtmpMessage;
import io.osprey.testkit.Clip;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * A small blocking RTMP client for tests: plain or TLS socket, simple handshake, commands, FLV tags from a file at
 * any chunk size, raw bytes for hostile cases. A reader thread decodes what the server sends and notices the close.
 */
final class RtmpTestClient implements AutoCloseable {

    static final int CSID_COMMAND = 3;
    static final int CSID_AUDIO = 4;
    static final int CSID_VIDEO = 6;
    static final int CSID_DATA = 5;

    private final Socket socket;
    private final OutputStream out;
    private final InputStream in;
    private final ChunkEncoder encoder = new ChunkEncoder();
    private final LinkedBlockingQueue<RtmpMessage> commands = new LinkedBlockingQueue<>();
    private final AtomicLong mediaMessages = new AtomicLong();
    private final AtomicLong bytesIn = new AtomicLong();
    private volatile boolean closed;
    private volatile String closeCause = "";
    private Thread reader;
    private double tx = 1;
    private int streamId;

    /** Where the server's log stood before this client connected. */
    final long logMark;

    private volatile java.util.function.Consumer<RtmpMessage> mediaSink;
    private RtmpTestClient(Socket socket, long logMark) throws IOException {
        this.socket = socket;
        this.logMark = logMark;
        this.out = socket.getOutputStream();
        this.in = socket.getInputStream();
    }

    static RtmpTestClient open(int port) throws IOException {
        return open(null, port, false);
    }

    /** Opens a socket from {@code local} (another loopback address for per-IP tests; null for any). */
    static RtmpTestClient open(InetAddress local, int port, boolean tls) throws IOException {
        long mark = LogCapture.get().mark();
        Socket s;
        if (tls) {
            try {
                SSLContext ssl = SSLContext.getInstance("TLS");
                ssl.init(null, new TrustManager[] {new TrustAll()}, new SecureRandom());
                s = ssl.getSocketFactory().createSocket();
            } catch (java.security.GeneralSecurityException e) {
                throw new IOException(e);
            }
        } else {
            s = new Socket();
        }
        if (local != null) {
            s.bind(new InetSocketAddress(local, 0));
        }
        s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        s.setTcpNoDelay(true);
        s.setSoTimeout(0);
        return new RtmpTestClient(s, mark);
    }

    int localPort() {
        return socket.getLocalPort();
    }

    /** {@code 127.0.0.1:port} as the server logs this client. */
    String who() {
        return socket.getLocalAddress().getHostAddress() + ":" + socket.getLocalPort();
    }

    /** Also hands every audio and video message received to {@code sink} (on the reader thread). */
    RtmpTestClient onMedia(java.util.function.Consumer<RtmpMessage> sink) {
        mediaSink = sink;
        return this;
    }

    long mediaMessages() {
        return mediaMessages.get();
    }

    long bytesIn() {
        return bytesIn.get();
    }

    // ---- handshake and raw bytes

    /** 5.2 simple handshake: C0+C1, read S0+S1+S2, send C2 (the echo of S1); then start the reader thread. */
    RtmpTestClient handshake() throws IOException {
        byte[] c0c1 = new byte[1 + 1536];
        c0c1[0] = 3;
        new SecureRandom().nextBytes(c0c1);
        c0c1[0] = 3;
        java.util.Arrays.fill(c0c1, 1, 9, (byte) 0);
        out.write(c0c1);
        out.flush();
        byte[] s = in.readNBytes(1 + 1536 + 1536);
        if (s.length < 3073 || s[0] != 3) {
            throw new IOException("bad S0/S1/S2 (" + s.length + " bytes)");
        }
        out.write(s, 1, 1536);
        out.flush();
        startReader();
        return this;
    }

    /** Starts reading without a handshake (for hostile handshakes: only EOF matters). */
    RtmpTestClient startRawReader() {
        reader = new Thread(() -> {
            byte[] buf = new byte[8192];
            try {
                int n;
                while ((n = in.read(buf)) >= 0) {
                    bytesIn.addAndGet(n);
                }
                closeCause = "EOF";
            } catch (IOException e) {
                closeCause = e.toString();
            }
            closed = true;
        }, "rtmp-test-raw-reader");
        reader.setDaemon(true);
        reader.start();
        return this;
    }

    private void startReader() {
        ChunkDecoder decoder = new ChunkDecoder(new RtmpLimits(1, 16 << 20, RtmpLimits.MAX_MESSAGE_LENGTH, 1000,
                RtmpLimits.MAX_CSID), m -> {
            if (m.type() == MessageType.AUDIO || m.type() == MessageType.VIDEO) {
                java.util.function.Consumer<RtmpMessage> sink = mediaSink;
                if (sink != null) {
                    sink.accept(m);
                }
                mediaMessages.incrementAndGet();
            } else if (m.type() == MessageType.COMMAND_AMF0) {
                commands.add(m);
            }
        });
        reader = new Thread(() -> {
            byte[] buf = new byte[64 * 1024];
            try {
                int n;
                while ((n = in.read(buf)) >= 0) {
                    bytesIn.addAndGet(n);
                    decoder.parse(ByteBuffer.wrap(buf, 0, n));
                }
                closeCause = "EOF";
            } catch (Exception e) {
                closeCause = e.toString();
            }
            closed = true;
        }, "rtmp-test-reader");
        reader.setDaemon(true);
        reader.start();
    }

    synchronized void raw(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    /** Writes, ignoring a reset from a server that already closed (hostile cases). */
    void rawQuietly(byte[] bytes) {
        try {
            raw(bytes);
        } catch (IOException ignored) {
            // the server closed first: that is what the test waits for
        }
    }

    boolean isClosed() {
        return closed;
    }

    String closeCause() {
        return closeCause;
    }

    /** Waits until the server closed the connection. */
    boolean awaitClosed(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!closed && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        return closed;
    }

    // ---- messages

    synchronized void send(RtmpMessage m) throws IOException {
        ByteBuffer b = encoder.encode(m);
        out.write(b.array(), b.arrayOffset() + b.position(), b.remaining());
        if (m.type() == MessageType.SET_CHUNK_SIZE) {
            encoder.setChunkSize(m.payload().getInt(0));
        }
    }

    synchronized void flush() throws IOException {
        out.flush();
    }

    void setChunkSize(int size) throws IOException {
        send(ProtocolControl.setChunkSize(size));
        flush();
    }

    void command(int msid, Object... values) throws IOException {
        send(new RtmpMessage(CSID_COMMAND, MessageType.COMMAND_AMF0, 0, msid,
                ByteBuffer.wrap(Amf0Writer.encode(values))));
        flush();
    }

    /** Waits for the next command message from the server and returns its AMF0 values. */
    List<Object> nextCommand(Duration timeout) throws InterruptedException, Amf0Exception {
        RtmpMessage m = commands.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        return m == null ? List.of() : Amf0Reader.decodeAll(m.payload());
    }

    /** Waits for a command named {@code name} (skipping others) and returns its values, or empty. */
    List<Object> await(String name, Duration timeout) throws InterruptedException, Amf0Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            List<Object> v = nextCommand(Duration.ofMillis(100));
            if (!v.isEmpty() && name.equals(v.get(0))) {
                return v;
            }
        }
        return List.of();
    }

    /** The {@code code} of an onStatus or _error reply, or null. */
    static String code(List<Object> v) {
        for (Object o : v) {
            if (o instanceof java.util.Map<?, ?> map && map.get("code") instanceof String c) {
                return c;
            }
        }
        return null;
    }

    /** connect + createStream; returns the stream id. */
    int connect(String app) throws Exception {
        Amf0Object o = new Amf0Object();
        o.put("app", app);
        o.put("type", "nonprivate");
        o.put("tcUrl", "rtmp://127.0.0.1/" + app);
        command(0, "connect", tx++, o);
        List<Object> r = await("_result", Duration.ofSeconds(10));
        if (r.isEmpty()) {
            throw new IOException("no _result for connect (" + closeCause + ")");
        }
        command(0, "createStream", tx++, null);
        r = await("_result", Duration.ofSeconds(10));
        if (r.size() < 4 || !(r.get(3) instanceof Double id)) {
            throw new IOException("no stream id from createStream: " + r);
        }
        streamId = id.intValue();
        return streamId;
    }

    /** publish on the created stream; returns the onStatus code (NetStream.Publish.Start, .BadName...). */
    String publish(String name) throws Exception {
        command(streamId, "publish", tx++, null, name, "live");
        return code(await("onStatus", Duration.ofSeconds(10)));
    }

    String play(String name) throws Exception {
        command(streamId, "play", tx++, null, name, -2.0);
        List<Object> v;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            v = await("onStatus", Duration.ofMillis(500));
            String c = code(v);
            if (c != null && !c.equals("NetStream.Play.Reset")) {
                return c;
            }
        }
        return null;
    }

    int streamId() {
        return streamId;
    }

    // ---- media

    /** The tags of an FLV file. */
    static List<FlvTag> tags(Path flv) throws IOException {
        return Clip.tags(flv);
    }

    /** Sends one FLV tag as an RTMP message on the publish stream (timestamp shifted by {@code offset}). */
    void sendTag(FlvTag t, long offset) throws IOException {
        int csid = t.type() == FlvTag.VIDEO ? CSID_VIDEO : t.type() == FlvTag.AUDIO ? CSID_AUDIO : CSID_DATA;
        ByteBuffer body = t.body().duplicate();
        if (t.type() == FlvTag.SCRIPT) {
            // an FLV file's onMetaData becomes @setDataFrame onMetaData, as encoders send it
            byte[] prefix = Amf0Writer.encode("@setDataFrame");
            ByteBuffer b = ByteBuffer.allocate(prefix.length + body.remaining()).put(prefix).put(body).flip();
            body = b;
        }
        send(new RtmpMessage(csid, t.type(), (t.timestamp() + offset) & 0xFFFFFFFFL, streamId, body));
    }

    /**
     * Publishes {@code tags} in a loop, paced by their timestamps, on a daemon thread until the returned handle is
     * closed or the connection drops.
     */
    AutoCloseable loop(List<FlvTag> tags) {
        Thread t = new Thread(() -> {
            long offset = 0;
            long start = System.nanoTime();
            try {
                while (!closed && !Thread.currentThread().isInterrupted()) {
                    long last = 0;
                    for (FlvTag tag : tags) {
                        if (offset > 0 && tag.type() == FlvTag.SCRIPT) {
                            continue;
                        }
                        long due = tag.timestamp() + offset;
                        long wait = due - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                        if (wait > 0) {
                            flush();
                            Thread.sleep(wait);
                        }
                        sendTag(tag, offset);
                        last = Math.max(last, tag.timestamp());
                    }
                    flush();
                    offset += last + 40;
                }
            } catch (IOException | InterruptedException e) {
                // stopped or dropped
            }
        }, "rtmp-test-publisher");
        t.setDaemon(true);
        t.start();
        return () -> {
            t.interrupt();
            t.join(5000);
        };
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    private static final class TrustAll implements X509TrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
