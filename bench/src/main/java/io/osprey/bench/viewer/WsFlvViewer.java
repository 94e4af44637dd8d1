package io.osprey.bench.viewer;

import io.osprey.bench.flv.FlvScanner;
import io.osprey.bench.net.Conn;
import io.osprey.bench.net.Handler;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A WebSocket-FLV viewer: the RFC 6455 client handshake (4.1), then binary and continuation frames whose payloads
 * are the FLV byte stream. Pings are answered (masked, as a client must); a close frame ends it. A server that does
 * not switch protocols ends it with the HTTP status as the reason.
 */
public final class WsFlvViewer implements Handler, FlvScanner.Listener {

    private static final String GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

    private enum State { HEADER, EXTENDED_LENGTH, MASK, PAYLOAD }

    private final String host;
    private final String path;
    private final ViewerStats stats;
    private final FlvScanner flv = new FlvScanner(this);
    private final String key;
    private ResponseHead head = new ResponseHead(16 * 1024);
    private final byte[] scratch = new byte[8];
    private int have;
    private State state = State.HEADER;
    private int opcode;
    private boolean masked;
    private int lengthBytes;
    private long left;
    private ByteBuffer control;
    private final byte[] mask = new byte[4];
    private long maskPos;
    private Conn conn;

    public WsFlvViewer(String host, int port, String path, ViewerStats stats) {
        this.host = host + ":" + port;
        this.path = path;
        this.stats = stats;
        byte[] nonce = new byte[16];
        ThreadLocalRandom.current().nextBytes(nonce);
        this.key = Base64.getEncoder().encodeToString(nonce);
    }

    @Override
    public void onConnected(Conn c) {
        conn = c;
        String req = "GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: " + key + "\r\nSec-WebSocket-Version: 13\r\nUser-Agent: osprey-bench\r\n\r\n";
        c.send(ByteBuffer.wrap(req.getBytes(StandardCharsets.US_ASCII)));
    }

    static String accept(String key) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-1").digest((key + GUID).getBytes(StandardCharsets.US_ASCII));
            return Base64.getEncoder().encodeToString(d);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void onData(Conn c, ByteBuffer in) throws IOException {
        if (head != null) {
            if (!head.feed(in)) {
                return;
            }
            if (head.status() != 101) {
                c.close("no WebSocket upgrade: HTTP " + head.status());
                return;
            }
            if (!accept(key).equals(head.header("sec-websocket-accept"))) {
                c.close("bad Sec-WebSocket-Accept");
                return;
            }
            head = null;
        }
        frames(c, in);
    }

    /** RFC 6455 5.2 base framing, resumable. */
    private void frames(Conn c, ByteBuffer in) throws IOException {
        while (in.hasRemaining() && !c.isClosed()) {
            switch (state) {
                case HEADER -> {
                    if (!gather(in, 2)) {
                        break;
                    }
                    opcode = scratch[0] & 0x0F;
                    masked = (scratch[1] & 0x80) != 0;
                    int len = scratch[1] & 0x7F;
                    if (len == 126 || len == 127) {
                        lengthBytes = len == 126 ? 2 : 8;
                        state = State.EXTENDED_LENGTH;
                    } else {
                        left = len;
                        afterLength();
                    }
                }
                case EXTENDED_LENGTH -> {
                    if (gather(in, lengthBytes)) {
                        long v = 0;
                        for (int i = 0; i < lengthBytes; i++) {
                            v = v << 8 | scratch[i] & 0xFF;
                        }
                        if (v < 0 || v > 64L << 20) {
                            throw new IOException("WebSocket frame of " + v + " bytes");
                        }
                        left = v;
                        afterLength();
                    }
                }
                case MASK -> {
                    if (gather(in, 4)) {
                        System.arraycopy(scratch, 0, mask, 0, 4);
                        startPayload();
                    }
                }
                case PAYLOAD -> payload(in);
                default -> throw new IllegalStateException();
            }
        }
    }

    private void afterLength() {
        if (opcode >= 8 && left > 125) {
            left = 125; // a control frame is at most 125 bytes; the rest would be a protocol error
        }
        maskPos = 0;
        state = masked ? State.MASK : State.PAYLOAD;
        if (!masked) {
            control = opcode >= 8 ? ByteBuffer.allocate((int) left) : null;
            if (left == 0) {
                endFrame();
            }
        }
    }

    private void startPayload() {
        control = opcode >= 8 ? ByteBuffer.allocate((int) left) : null;
        state = State.PAYLOAD;
        if (left == 0) {
            endFrame();
        }
    }

    private void payload(ByteBuffer in) throws IOException {
        int n = (int) Math.min(left, in.remaining());
        ByteBuffer part = in.slice(in.position(), n);
        in.position(in.position() + n);
        left -= n;
        if (masked) {
            // servers must not mask (5.1); unmask anyway so a lenient peer still measures
            ByteBuffer copy = ByteBuffer.allocate(n);
            for (int i = 0; i < n; i++) {
                copy.put((byte) (part.get(i) ^ mask[(int) (maskPos++ & 3)]));
            }
            part = copy.flip();
        }
        if (control != null) {
            control.put(part);
        } else if (opcode == 2 || opcode == 0) {
            flv.feed(part);
        }
        if (left == 0) {
            endFrame();
        }
    }

    private void endFrame() {
        state = State.HEADER;
        if (control == null) {
            return;
        }
        ByteBuffer p = control.flip();
        control = null;
        if (opcode == 9) {
            conn.send(frame(0xA, p));
        } else if (opcode == 8) {
            conn.close("WebSocket closed by server");
        }
    }

    /** A masked client frame (5.3) with FIN set. */
    static ByteBuffer frame(int op, ByteBuffer payload) {
        int n = payload.remaining();
        ByteBuffer b = ByteBuffer.allocate(2 + 4 + n);
        b.put((byte) (0x80 | op)).put((byte) (0x80 | n));
        byte[] m = new byte[4];
        ThreadLocalRandom.current().nextBytes(m);
        b.put(m);
        for (int i = 0; i < n; i++) {
            b.put((byte) (payload.get(payload.position() + i) ^ m[i & 3]));
        }
        return b.flip();
    }

    private boolean gather(ByteBuffer in, int n) {
        int k = Math.min(n - have, in.remaining());
        in.get(scratch, have, k);
        have += k;
        if (have < n) {
            return false;
        }
        have = 0;
        return true;
    }

    @Override
    public void onClosed(Conn c, String reason) {
        stats.closed(reason);
    }

    @Override
    public void onTag(int type, long timestamp, int size) {
        stats.tag();
    }

    @Override
    public void onScript(long timestamp, ByteBuffer body) {
        stats.script(body);
    }
}
