package io.osprey.bench.rtmp;

import io.osprey.bench.net.Conn;
import io.osprey.bench.net.Handler;
import io.osprey.media.amf0.Amf0Exception;
import io.osprey.media.amf0.Amf0Reader;
import io.osprey.media.amf0.Amf0Writer;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The part of an RTMP client that publishers and players share: the plain handshake (5.2), Set Chunk Size 4096,
 * connect and createStream (7.2.1), acknowledgements for the server's window (5.4.3), answers to pings (7.1.7), and
 * dispatch of what the server sends. Subclasses act once the stream exists.
 */
public abstract class RtmpClient implements Handler, ChunkReader.Listener {

    public static final int CHUNK_SIZE = 4096;

    protected static final int TYPE_SET_CHUNK_SIZE = 1;
    protected static final int TYPE_ACK = 3;
    protected static final int TYPE_USER_CONTROL = 4;
    protected static final int TYPE_WINDOW_ACK_SIZE = 5;
    protected static final int TYPE_AUDIO = 8;
    protected static final int TYPE_VIDEO = 9;
    protected static final int TYPE_DATA = 18;
    protected static final int TYPE_COMMAND = 20;

    private static final int HANDSHAKE = 1536;
    private static final double TX_CONNECT = 1;
    private static final double TX_CREATE_STREAM = 2;

    protected final String app;
    protected final String stream;
    private final String tcUrl;
    protected final ChunkWriter writer = new ChunkWriter();
    private final ChunkReader reader = new ChunkReader(this);
    protected Conn conn;
    private byte[] s1;
    private int handshakeRead;
    private boolean handshaken;
    private long windowAck;
    private long lastAck;
    protected int streamId = -1;

    protected RtmpClient(String host, int port, String app, String stream) {
        this.app = app;
        this.stream = stream;
        this.tcUrl = "rtmp://" + host + ":" + port + "/" + app;
    }

    @Override
    public void onConnected(Conn c) {
        conn = c;
        byte[] c0c1 = new byte[1 + HANDSHAKE];
        c0c1[0] = 3; // C0: RTMP version 3; C1: time 0, zero 0, then random bytes
        byte[] random = new byte[HANDSHAKE - 8];
        ThreadLocalRandom.current().nextBytes(random);
        System.arraycopy(random, 0, c0c1, 9, random.length);
        c.send(ByteBuffer.wrap(c0c1));
    }

    @Override
    public void onData(Conn c, ByteBuffer in) throws IOException {
        if (!handshaken) {
            handshake(in);
            if (!handshaken) {
                return;
            }
        }
        if (windowAck > 0 && c.bytesIn() - lastAck >= windowAck) {
            lastAck = c.bytesIn();
            send(ChunkWriter.CSID_CONTROL, TYPE_ACK, 0, 0, u32((int) lastAck));
        }
        reader.feed(in);
    }

    /** S0 (1 byte), S1 (kept: C2 echoes it), S2 (ignored), then C2, Set Chunk Size and connect. */
    private void handshake(ByteBuffer in) {
        while (in.hasRemaining() && handshakeRead < 1 + 2 * HANDSHAKE) {
            if (handshakeRead == 0) {
                in.get();
                handshakeRead++;
                s1 = new byte[HANDSHAKE];
            } else if (handshakeRead < 1 + HANDSHAKE) {
                int n = Math.min(1 + HANDSHAKE - handshakeRead, in.remaining());
                in.get(s1, handshakeRead - 1, n);
                handshakeRead += n;
            } else {
                int n = Math.min(1 + 2 * HANDSHAKE - handshakeRead, in.remaining());
                in.position(in.position() + n);
                handshakeRead += n;
            }
        }
        if (handshakeRead < 1 + 2 * HANDSHAKE) {
            return;
        }
        handshaken = true;
        conn.send(ByteBuffer.wrap(s1));
        s1 = null;
        send(ChunkWriter.CSID_CONTROL, TYPE_SET_CHUNK_SIZE, 0, 0, u32(CHUNK_SIZE));
        writer.chunkSize(CHUNK_SIZE);
        Map<String, Object> cmd = new LinkedHashMap<>();
        cmd.put("app", app);
        cmd.put("type", "nonprivate");
        cmd.put("flashVer", "FMLE/3.0 (compatible; osprey-bench)");
        cmd.put("tcUrl", tcUrl);
        cmd.put("fpad", false);
        cmd.put("capabilities", 15.0);
        cmd.put("audioCodecs", 4071.0);
        cmd.put("videoCodecs", 252.0);
        cmd.put("videoFunction", 1.0);
        cmd.put("objectEncoding", 0.0);
        command(0, "connect", TX_CONNECT, cmd);
    }

    @Override
    public void onMessage(int type, long timestamp, int msgStream, int length, ByteBuffer payload) throws IOException {
        switch (type) {
            case TYPE_SET_CHUNK_SIZE -> reader.chunkSize(payload.getInt() & 0x7FFFFFFF);
            case TYPE_WINDOW_ACK_SIZE -> windowAck = payload.getInt() & 0xFFFFFFFFL;
            case TYPE_USER_CONTROL -> userControl(payload);
            case TYPE_COMMAND -> command(payload);
            case TYPE_DATA -> onDataMessage(timestamp, payload);
            case TYPE_AUDIO, TYPE_VIDEO -> onMedia(type, timestamp, length);
            default -> { }
        }
    }

    private void userControl(ByteBuffer p) {
        if (p.remaining() >= 6 && p.getShort(0) == 6) {
            // PingRequest: answer with PingResponse and the same timestamp
            ByteBuffer pong = ByteBuffer.allocate(6).putShort((short) 7).putInt(p.getInt(2));
            send(ChunkWriter.CSID_CONTROL, TYPE_USER_CONTROL, 0, 0, pong.array());
        }
    }

    private void command(ByteBuffer p) throws IOException {
        List<Object> v;
        try {
            v = new Amf0Reader(p).readAll();
        } catch (Amf0Exception e) {
            throw new IOException("bad AMF0 command: " + e.getMessage());
        }
        if (v.isEmpty() || !(v.get(0) instanceof String name)) {
            return;
        }
        double tx = v.size() > 1 && v.get(1) instanceof Double d ? d : 0;
        if (name.equals("_result") && tx == TX_CONNECT) {
            command(0, "createStream", TX_CREATE_STREAM, (Object) null);
        } else if (name.equals("_result") && tx == TX_CREATE_STREAM) {
            streamId = v.size() > 3 && v.get(3) instanceof Double d ? d.intValue() : 1;
            onStreamCreated();
        } else if (name.equals("_error")) {
            conn.close("server refused: " + describe(v));
        } else if (name.equals("onStatus")) {
            Map<?, ?> info = v.size() > 3 && v.get(3) instanceof Map<?, ?> m ? m : Map.of();
            String code = String.valueOf(info.get("code"));
            if ("error".equals(info.get("level"))) {
                conn.close("server status " + code);
            } else {
                onStatus(code);
            }
        }
    }

    private static String describe(List<Object> v) {
        for (Object o : v) {
            if (o instanceof Map<?, ?> m && m.get("code") != null) {
                return String.valueOf(m.get("code"));
            }
        }
        return v.toString();
    }

    /** createStream answered: publish or play now. */
    protected abstract void onStreamCreated();

    /** A non-error onStatus, e.g. NetStream.Publish.Start. */
    protected void onStatus(String code) {
    }

    /** A data (AMF0) message from the server. */
    protected void onDataMessage(long timestamp, ByteBuffer payload) {
    }

    /** An audio or video message from the server: its type, timestamp and size. */
    protected void onMedia(int type, long timestamp, int length) {
    }

    protected void command(int msgStream, String name, double tx, Object... args) {
        Object[] all = new Object[args.length + 2];
        all[0] = name;
        all[1] = tx;
        System.arraycopy(args, 0, all, 2, args.length);
        send(ChunkWriter.CSID_COMMAND, TYPE_COMMAND, 0, msgStream, Amf0Writer.encode(all));
    }

    protected void send(int csid, int type, long timestamp, int msgStream, byte[] body) {
        conn.send(writer.encode(csid, type, timestamp, msgStream, body));
    }

    private static byte[] u32(int v) {
        return ByteBuffer.allocate(4).putInt(v).array();
    }
}
