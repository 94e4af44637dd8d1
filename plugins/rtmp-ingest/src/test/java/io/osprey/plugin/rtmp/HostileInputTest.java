package io.osprey.plugin.rtmp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.osprey.media.amf0.Amf0Object;
import io.osprey.media.amf0.Amf0Writer;
import io.osprey.media.flv.FlvHeader;
import io.osprey.media.flv.FlvTag;
import io.osprey.plugin.rtmp.protocol.ChunkEncoder;
import io.osprey.plugin.rtmp.protocol.MessageType;
import io.osprey.plugin.rtmp.protocol.ProtocolControl;
import io.osprey.plugin.rtmp.protocol.RtmpMessage;
import io.osprey.testkit.Await;
import io.osprey.testkit.TestMedia;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * HOSTILE-INPUTS A–E over real sockets against the shared server, while ffmpeg publishes {@code live/bg} and an RTMP
 * viewer watches it. Each case checks that this connection is closed with a logged reason (or, for inputs the
 * protocol allows, that it stays in sync and answers), and that the background stream keeps flowing.
 */
class HostileInputTest {

    private static final Duration CLOSE = Duration.ofSeconds(10);
    private static SharedServer s;
    private static List<FlvTag> tags;

    @BeforeAll
    static void start() throws Exception {
        s = SharedServer.get();
        tags = RtmpTestClient.tags(TestMedia.h264Aac(10, 500));
    }

    /** Where in the session the bytes are sent. */
    enum Phase {
        RAW, HANDSHAKEN, CONNECTED, PUBLISHING
    }

    /** One case: bytes sent at a phase; {@code reason} is what the logged close says, or null: stays open. */
    record Case(String id, Phase phase, byte[] bytes, String reason) {
        @Override
        public String toString() {
            return id;
        }
    }

    static Stream<Arguments> cases() {
        List<Case> c = new ArrayList<>();
        // A. handshake and lifecycle
        c.add(new Case("A1 C0 only, then stall", Phase.RAW, new byte[] {3}, "handshake not completed"));
        c.add(new Case("A2 C0 version 6 (RTMPE)", Phase.RAW, new byte[] {6}, "unsupported RTMP handshake version 6"));
        c.add(new Case("A2 C0 version 0xFF", Phase.RAW, new byte[] {(byte) 0xFF}, "handshake version 255"));
        c.add(new Case("A2 all-zero C1 falls back to simple, then idles", Phase.RAW, cat(new byte[] {3},
                new byte[1536], new byte[1536]), "no publish or play within"));
        c.add(new Case("A4 flood of 5000 ping requests", Phase.CONNECTED, repeat(chunks(userControl(6, 4)), 5000),
                "control and command messages in one second"));
        c.add(new Case("A4 flood of 5000 _checkbw", Phase.CONNECTED, repeat(chunks(cmd(0, "_checkbw", 0.0, null)),
                5000), "control and command messages in one second"));
        // issue 13: data messages have a budget of their own (maxDataMessagesPerSecond, 300)
        c.add(new Case("A4 flood of 5000 @setDataFrame", Phase.PUBLISHING, repeat(chunks(msg(5, 18, 0, 1,
                Amf0Writer.encode("@setDataFrame", "onMetaData", java.util.Map.of("width", 640.0)))), 5000),
                "data messages in one second"));
        c.add(new Case("A4 flood of 5000 onTextData", Phase.PUBLISHING, repeat(chunks(msg(5, 18, 0, 1,
                Amf0Writer.encode("onTextData", java.util.Map.of("text", "x")))), 5000),
                "data messages in one second"));
        // B. chunk stream layer
        for (long size : new long[] {0, 1, 0x80000000L, 0x7FFFFFFFL}) {
            c.add(new Case("B1 set chunk size " + size, Phase.CONNECTED, cat(chunks(control(1, u32(size))),
                    chunks(msg(8, 9, 0, 1, new byte[1]))), "Set Chunk Size"));
        }
        c.add(new Case("B2 chunk size shrinks right after a large chunk", Phase.CONNECTED, b2(), null));
        c.add(new Case("B3 fresh csid starts with fmt 3", Phase.CONNECTED, new byte[] {(byte) 0xC9, 1, 2, 3},
                "first chunk of a chunk stream must be type 0"));
        c.add(new Case("B3 fresh csid starts with fmt 1", Phase.CONNECTED, hex("4a000000000004140000"),
                "first chunk of a chunk stream must be type 0"));
        c.add(new Case("B3 librtmp fmt 1 on csid 2 is accepted", Phase.CONNECTED,
                hex("4200000000000604000000000000"), null));
        c.add(new Case("B4 65 distinct chunk streams", Phase.CONNECTED, b4(), "more than 64 chunk streams"));
        c.add(new Case("B5 declared length 0xFFFFFF", Phase.CONNECTED, hex("08000000ffffff0901000000aa"),
                "exceeds the limit of 1048576"));
        c.add(new Case("B6 length changes mid-message", Phase.CONNECTED, b6(), "changed length"));
        c.add(new Case("B7 extended timestamp repeated on type 3 (Flash)", Phase.CONNECTED, b7(true), null));
        c.add(new Case("B7 extended timestamp not repeated on type 3", Phase.CONNECTED, b7(false), null));
        c.add(new Case("B8 timestamps backwards, constant, +2^31 and wrapping", Phase.PUBLISHING, b8(), null));
        c.add(new Case("B9 abort of an idle csid and mid-message", Phase.CONNECTED, cat(chunks(control(2, u32(50))),
                partial(7, 9, 400, 256), chunks(control(2, u32(7)))), null));
        c.add(new Case("B9 window ack size 0 and 0xFFFFFFFF", Phase.CONNECTED, cat(chunks(control(5, u32(0))),
                chunks(control(5, u32(0xFFFFFFFFL)))), null));
        c.add(new Case("B9 user control with a 1-byte payload", Phase.CONNECTED, chunks(control(4, new byte[1])),
                "user control message has 1 bytes"));
        c.add(new Case("B10 unknown types 0, 7, 135, 255 are ignored", Phase.CONNECTED, cat(chunks(msg(9, 0, 0, 0,
                new byte[3])), chunks(msg(9, 7, 0, 0, new byte[3])), chunks(msg(9, 135, 0, 0, new byte[3])),
                chunks(msg(9, 255, 0, 0, new byte[0]))), null));
        c.add(new Case("B10 zero-length set chunk size", Phase.CONNECTED, chunks(control(1, new byte[0])),
                "payload has 0 bytes"));
        c.add(new Case("B10 zero-length command", Phase.CONNECTED, chunks(msg(3, 20, 0, 0, new byte[0])),
                "command without a name"));
        c.add(new Case("B11 aggregate sub-message overruns its parent", Phase.PUBLISHING,
                chunks(msg(6, 22, 0, 1, cat(hex("0900010000000000000000"), new byte[40]))), "overruns its parent"));
        c.add(new Case("B11 aggregate back pointer mismatch", Phase.PUBLISHING,
                chunks(msg(6, 22, 0, 1, hex("080000010000000000000000aa00000099"))), "back pointer"));
        // C. AMF0 commands
        c.add(new Case("C1 short string declares 0xFFFF", Phase.CONNECTED, chunks(rawCmd(hex("02ffff616263"))),
                "bad AMF0"));
        c.add(new Case("C1 long string declares 0xFFFFFFFF", Phase.CONNECTED, chunks(rawCmd(hex("0cffffffff61"))),
                "bad AMF0"));
        c.add(new Case("C2 ECMA array of 0xFFFFFFFF, no elements", Phase.CONNECTED,
                chunks(rawCmd(cat(Amf0Writer.encode("x", 1.0), hex("08ffffffff")))), "bad AMF0"));
        c.add(new Case("C2 strict array of 0xFFFFFFFF, no elements", Phase.CONNECTED,
                chunks(rawCmd(cat(Amf0Writer.encode("x", 1.0), hex("0affffffff")))), "bad AMF0"));
        c.add(new Case("C3 10000-deep nested objects", Phase.CONNECTED, chunks(rawCmd(cat(Amf0Writer.encode("x",
                1.0), repeat(hex("03000178"), 10000)))), "bad AMF0"));
        c.add(new Case("C4 object without an end marker", Phase.CONNECTED,
                chunks(rawCmd(cat(Amf0Writer.encode("x", 1.0), hex("03000161000000000000000000")))), "bad AMF0"));
        c.add(new Case("C5 command name is a number", Phase.CONNECTED, chunks(cmd(0, 1.0, 2.0)),
                "command without a name"));
        c.add(new Case("C5 command name is null", Phase.CONNECTED, chunks(cmd(0, (Object) null)),
                "command without a name"));
        c.add(new Case("C6 publish name false (Wirecast)", Phase.CONNECTED, chunks(cmd(1, "publish", 5.0, null,
                false, "live")), "publish without a stream name"));
        c.add(new Case("C6 play name is a number", Phase.CONNECTED, chunks(cmd(1, "play", 5.0, null, 7.0)),
                "play without a stream name"));
        c.add(new Case("C6 FCUnpublish name is null", Phase.CONNECTED, chunks(cmd(0, "FCUnpublish", 5.0, null,
                null)), null));
        for (String marker : new String[] {"11", "0d", "0f00000003", "070009", "6c"}) {
            c.add(new Case("C7 marker " + marker, Phase.CONNECTED, chunks(rawCmd(cat(Amf0Writer.encode("x", 1.0),
                    hex(marker)))), "bad AMF0"));
        }
        c.add(new Case("C8 AMF3 command (type 17)", Phase.CONNECTED, chunks(msg(3, 17, 0, 0,
                cat(new byte[1], Amf0Writer.encode("connect", 1.0)))), "AMF3"));
        c.add(new Case("C8 AMF3 data (type 15)", Phase.CONNECTED, chunks(msg(5, 15, 0, 0, new byte[4])), "AMF3"));
        c.add(new Case("C9 NaN, Inf and 1e300 transaction ids", Phase.CONNECTED, cat(
                chunks(cmd(0, "createStream", Double.NaN, null)), chunks(cmd(0, "getStreamLength",
                Double.POSITIVE_INFINITY, null)), chunks(cmd(0, "releaseStream", 1e300, null, "x"))), null));
        c.add(new Case("C10 connect with a 64 KB app", Phase.HANDSHAKEN, chunks(cmd(0, "connect", 1.0,
                new Amf0Object().with("app", "a".repeat(65535)))), "invalid app name"));
        c.add(new Case("C10 connect with a 64 KB tcUrl is fine", Phase.HANDSHAKEN, chunks(cmd(0, "connect", 1.0,
                new Amf0Object().with("app", "live").with("tcUrl", "rtmp://h/live?" + "t".repeat(65000)))), null));
        // D. session semantics
        c.add(new Case("D1 publish before connect", Phase.HANDSHAKEN, chunks(cmd(1, "publish", 2.0, null, "x")),
                "publish before connect"));
        c.add(new Case("D1 play before connect", Phase.HANDSHAKEN, chunks(cmd(1, "play", 2.0, null, "x")),
                "play before connect"));
        c.add(new Case("D1 createStream x10000", Phase.CONNECTED, repeat(chunks(cmd(0, "createStream", 2.0, null)),
                10000), "createStream calls"));
        c.add(new Case("D1 deleteStream of a foreign id", Phase.CONNECTED, chunks(cmd(0, "deleteStream", 0.0, null,
                77.0)), null));
        c.add(new Case("D5 video before any sequence header, no IDR ever", Phase.PUBLISHING, d5(), null));
        c.add(new Case("D6 AVC sequence header with lengths past the end", Phase.PUBLISHING,
                chunks(msg(6, 9, 0, 1, hex("1700000000016400"
                        + "1fffe1ffff6764001f"))), null));
        c.add(new Case("D7 AAC sequence headers: empty, 1 byte, index 13, 15, channels 0", Phase.PUBLISHING, cat(
                chunks(msg(4, 8, 0, 1, hex("af00"))), chunks(msg(4, 8, 0, 1, hex("af0012"))),
                chunks(msg(4, 8, 0, 1, hex("af0016a8"))), chunks(msg(4, 8, 0, 1, hex("af0017800000"))),
                chunks(msg(4, 8, 0, 1, hex("af001200"))), chunks(msg(4, 8, 10, 1, hex("af01aabbcc")))), null));
        c.add(new Case("D8 H.263, Speex, ADPCM and an unknown FourCC", Phase.PUBLISHING, cat(
                chunks(msg(6, 9, 0, 1, hex("1200000000"))), chunks(msg(4, 8, 0, 1, hex("b2aabb"))),
                chunks(msg(4, 8, 0, 1, hex("12aabb"))), chunks(msg(6, 9, 0, 1, hex("9078797a7700000000")))), null));
        c.add(new Case("D9 huge dimensions in metadata", Phase.PUBLISHING, chunks(msg(5, 18, 0, 1,
                Amf0Writer.encode("@setDataFrame", "onMetaData", new Amf0Object().with("width", 1e12)
                        .with("height", -5.0).with("framerate", Double.NaN)))), null));
        return c.stream().map(Arguments::of);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void rtmpCase(Case c) throws Exception {
        try (RtmpTestClient client = RtmpTestClient.open(s.server.rtmpPort())) {
            if (c.phase() == Phase.RAW) {
                client.startRawReader();
            } else {
                client.handshake();
                if (c.phase() == Phase.CONNECTED || c.phase() == Phase.PUBLISHING) {
                    client.connect("live");
                }
                if (c.phase() == Phase.PUBLISHING) {
                    assertEquals("NetStream.Publish.Start", client.publish("hostile" + Math.abs(c.id().hashCode())));
                    for (int i = 0; i < 10; i++) {
                        client.sendTag(tags.get(i), 0); // configs and a key frame first
                    }
                    client.flush();
                }
            }
            client.rawQuietly(c.bytes());
            if (c.reason() != null) {
                assertTrue(client.awaitClosed(CLOSE), c.id() + ": the server closed the connection");
                String reason = s.log.closeReason(client.logMark, client.who(), CLOSE);
                assertNotNull(reason, c.id() + ": a reason was logged");
                assertTrue(reason.contains(c.reason()), c.id() + ": '" + reason + "' mentions '" + c.reason() + "'");
            } else {
                // still in sync: a command after the bytes (type 0 header: the crafted bytes moved csid 3) is answered
                client.raw(chunks(cmd(0, "createStream", 42.0, null)));
                List<Object> r = client.await("_result", CLOSE);
                assertFalse(r.isEmpty(), c.id() + ": answered after the input (" + client.closeCause() + ")");
                assertFalse(client.isClosed(), c.id() + ": still open");
            }
        }
        s.assertBackgroundUnaffected();
    }

    @Test
    void a3ManyIdleHandshakenConnectionsAreClosedAndReleased() throws Exception {
        InetAddress from = InetAddress.getByName("127.0.0.10");
        List<RtmpTestClient> idle = new ArrayList<>();
        try {
            for (int i = 0; i < 30; i++) {
                idle.add(RtmpTestClient.open(from, s.server.rtmpPort(), false).handshake());
            }
            for (RtmpTestClient c : idle) {
                assertTrue(c.awaitClosed(CLOSE), "idle connection closed");
                assertTrue(s.log.closeReason(c.logMark, c.who(), CLOSE).contains("no publish or play"));
            }
        } finally {
            idle.forEach(RtmpTestClient::close);
        }
        s.assertBackgroundUnaffected();
    }

    @Test
    void b5ManyLargeDeclaredMessagesStayBoundedInMemory() throws Exception {
        // each connection starts 63 messages declaring 1 MiB (the limit) and sends the first 128-byte chunk of each
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (int csid = 10; csid < 73; csid++) {
            b.writeBytes(cat(new byte[] {(byte) (csid < 64 ? csid : 0)}, csid < 64 ? new byte[0]
                    : new byte[] {(byte) (csid - 64)}, hex("00000010000009"), new byte[4], new byte[128]));
        }
        byte[] bytes = b.toByteArray();
        Runtime rt = Runtime.getRuntime();
        System.gc();
        long heapBefore = rt.totalMemory() - rt.freeMemory();
        List<RtmpTestClient> conns = new ArrayList<>();
        try {
            for (int i = 0; i < 30; i++) {
                RtmpTestClient c = RtmpTestClient.open(InetAddress.getByName("127.0.0.11"), s.server.rtmpPort(),
                        false).handshake();
                c.connect("live");
                c.raw(bytes);
                conns.add(c);
            }
            Await.until("every partial message buffered", Duration.ofSeconds(10), () -> gauge() >= 30L * 63 * 128);
            long buffered = gauge();
            // declared: 30 x 63 x 1 MiB = 1.9 GiB; held: what arrived, in buffers of at most 4 KiB each
            assertTrue(buffered <= 30L * 63 * 4096, "buffered " + buffered + " bytes");
            System.gc();
            long heapAfter = rt.totalMemory() - rt.freeMemory();
            assertTrue(heapAfter - heapBefore < 64L << 20, "heap grew by " + (heapAfter - heapBefore));
            assertTrue(conns.stream().noneMatch(RtmpTestClient::isClosed));
        } finally {
            conns.forEach(RtmpTestClient::close);
        }
        Await.until("buffers released", Duration.ofSeconds(10), () -> gauge() == 0);
        s.assertBackgroundUnaffected();
    }

    private static long gauge() {
        try {
            for (String line : s.server.get("/metrics").body().split("\n")) {
                if (line.startsWith("osprey_rtmp_buffered_bytes ")) {
                    return (long) Double.parseDouble(line.substring(line.indexOf(' ') + 1).trim());
                }
            }
        } catch (Exception e) {
            return -1;
        }
        return -1;
    }

    @Test
    void b12InterleavedAudioAndVideoOneByteAtATimeDecodeTheSame() throws Exception {
        try (RtmpTestClient c = RtmpTestClient.open(s.server.rtmpPort()).handshake()) {
            c.connect("live");
            assertEquals("NetStream.Publish.Start", c.publish("bytewise"));
            ChunkEncoder enc = new ChunkEncoder();
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            for (int i = 0; i < 40; i++) {
                FlvTag t = tags.get(i);
                int csid = t.type() == FlvTag.VIDEO ? 6 : t.type() == FlvTag.AUDIO ? 4 : 5;
                ByteBuffer body = t.body().duplicate();
                if (t.type() == FlvTag.SCRIPT) {
                    body = ByteBuffer.wrap(cat(Amf0Writer.encode("@setDataFrame"), bytes(body)));
                }
                all.writeBytes(bytes(enc.encode(new RtmpMessage(csid, t.type(), t.timestamp(), c.streamId(), body))));
            }
            for (byte x : all.toByteArray()) {
                c.raw(new byte[] {x});
            }
            Await.until("the stream's tracks", Duration.ofSeconds(10), () -> {
                try {
                    String body = s.server.get("/api/streams/live/bytewise").body();
                    return body.contains("\"width\" : 640") && body.contains("\"codec\" : \"aac\"");
                } catch (Exception e) {
                    return false;
                }
            });
            assertFalse(c.isClosed());
        }
    }

    // ---- E: HTTP-FLV push

    static Stream<Arguments> pushCases() {
        byte[] header = FlvHeader.bytes(true, true); // with PreviousTagSize0
        return Stream.of(
                Arguments.of("E1 video tag with DataSize 0", cat(header, hex("09000000000000000000000000000b")),
                        "400", "bad FLV"),
                Arguments.of("E2 DataSize 0xFFFFFF with 10 bytes", cat(header, hex("09ffffff00000000000000"),
                        new byte[10]), "400", "exceeds the limit"),
                Arguments.of("E2 bad signature", hex("464c5801050000000900000000"), "400", "bad signature"),
                Arguments.of("E2 DataOffset 0xFFFFFFFF", hex("464c560105ffffffff00000000"), "400", "DataOffset"),
                Arguments.of("E2 filter bit (encrypted) tag", cat(header, hex("290000050000000000000000000000")),
                        "400", "Filter bit"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("pushCases")
    void pushCase(String id, byte[] body, String status, String reason) throws Exception {
        long mark = s.log.mark();
        try (Socket sock = new Socket("127.0.0.1", s.server.httpPort())) {
            sock.setSoTimeout(10_000);
            OutputStream out = sock.getOutputStream();
            out.write(("POST /live/e" + Math.abs(id.hashCode()) + " HTTP/1.1\r\nHost: x\r\nContent-Length: "
                    + (body.length + 100_000) + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(body);
            out.flush();
            String response = new String(sock.getInputStream().readNBytes(12), StandardCharsets.US_ASCII);
            assertEquals("HTTP/1.1 " + status, response, id);
            String logged = s.log.closeReason(mark, "127.0.0.1:" + sock.getLocalPort(), CLOSE);
            assertNotNull(logged, id + ": a reason was logged");
            assertTrue(logged.contains(reason), id + ": '" + logged + "' mentions '" + reason + "'");
        }
        s.assertBackgroundUnaffected();
    }

    @Test
    void e2MismatchedPreviousTagSizesAreTolerated() throws Exception {
        byte[] flv = java.nio.file.Files.readAllBytes(TestMedia.h264Aac(10, 500));
        // corrupt PreviousTagSize0 (bytes 9..12): encoders get these wrong
        flv[12] = 0x7F;
        long mark = s.log.mark();
        try (Socket sock = new Socket("127.0.0.1", s.server.httpPort())) {
            OutputStream out = sock.getOutputStream();
            out.write(("PUT /live/e2prev HTTP/1.1\r\nHost: x\r\nContent-Length: " + flv.length + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.write(flv);
            out.flush();
            sock.setSoTimeout(10_000);
            assertEquals("HTTP/1.1 200", new String(sock.getInputStream().readNBytes(12), StandardCharsets.US_ASCII));
        }
    }

    @ParameterizedTest(name = "E3 chunk size {0}")
    @org.junit.jupiter.params.provider.ValueSource(strings = {"FFFFFFFFFFFFFFFF", "-1", "1MB-hex", "endless-ext"})
    void e3HostileChunkedEncodingIsRejected(String kind) throws Exception {
        String line = switch (kind) {
            case "1MB-hex" -> "1".repeat(1 << 20);
            case "endless-ext" -> "10;" + "x".repeat(1 << 20);
            default -> kind;
        };
        long mark = s.log.mark();
        try (Socket sock = new Socket("127.0.0.1", s.server.httpPort())) {
            sock.setSoTimeout(10_000);
            OutputStream out = sock.getOutputStream();
            out.write(("POST /live/e3" + Math.abs(kind.hashCode()) + " HTTP/1.1\r\nHost: x\r\n"
                    + "Transfer-Encoding: chunked\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            Thread.sleep(100); // let the publish start, so the body is read by the push session
            try {
                out.write((line + "\r\n").getBytes(StandardCharsets.US_ASCII));
                out.flush();
            } catch (IOException e) {
                // closed while writing: fine
            }
            InputStream in = sock.getInputStream();
            try {
                while (in.read() >= 0) {
                    // drain until the server closes
                }
            } catch (IOException e) {
                // reset: closed
            }
            String logged = s.log.closeReason(mark, "127.0.0.1:" + sock.getLocalPort(), CLOSE);
            assertNotNull(logged, "a reason was logged");
            assertTrue(logged.contains("read failed") || logged.contains("bad FLV"), logged);
        }
        s.assertBackgroundUnaffected();
    }

    @Test
    void e4SlowPostIsClosedByTheFirstMediaTimeout() throws Exception {
        long mark = s.log.mark();
        try (Socket sock = new Socket("127.0.0.1", s.server.httpPort())) {
            OutputStream out = sock.getOutputStream();
            out.write("POST /live/slowpost HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            byte[] flv = FlvHeader.bytes(true, true);
            long deadline = System.nanoTime() + 8_000_000_000L;
            boolean closed = false;
            for (int i = 0; i < flv.length && System.nanoTime() < deadline; i++) {
                try {
                    out.write(("1\r\n").getBytes(StandardCharsets.US_ASCII));
                    out.write(flv[i]);
                    out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                    Thread.sleep(500);
                } catch (IOException e) {
                    closed = true;
                    break;
                }
            }
            String logged = s.log.closeReason(mark, "127.0.0.1:" + sock.getLocalPort(), CLOSE);
            assertNotNull(logged, "the slow push was closed with a reason (" + closed + ")");
            assertTrue(logged.contains("no audio or video within 2000 ms"), logged);
        }
        s.assertBackgroundUnaffected();
    }

    @Test
    void e5HugeContentLengthIsReadAsAStreamNotBuffered() throws Exception {
        long mark = s.log.mark();
        try (Socket sock = new Socket("127.0.0.1", s.server.httpPort())) {
            OutputStream out = sock.getOutputStream();
            out.write(("POST /live/tengig HTTP/1.1\r\nHost: x\r\nContent-Length: 10737418240\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.write(FlvHeader.bytes(true, true));
            out.flush();
            String logged = s.log.closeReason(mark, "127.0.0.1:" + sock.getLocalPort(), CLOSE);
            assertNotNull(logged);
            assertTrue(logged.contains("no audio or video within"), logged);
        }
    }

    // ---- byte builders

    static byte[] hex(String h) {
        return HexFormat.of().parseHex(h);
    }

    static byte[] cat(byte[]... parts) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            b.writeBytes(p);
        }
        return b.toByteArray();
    }

    static byte[] repeat(byte[] p, int n) {
        ByteArrayOutputStream b = new ByteArrayOutputStream(p.length * n);
        for (int i = 0; i < n; i++) {
            b.writeBytes(p);
        }
        return b.toByteArray();
    }

    static byte[] bytes(ByteBuffer b) {
        byte[] a = new byte[b.remaining()];
        b.duplicate().get(a);
        return a;
    }

    static byte[] u32(long v) {
        return ByteBuffer.allocate(4).putInt((int) v).array();
    }

    static RtmpMessage msg(int csid, int type, long ts, int msid, byte[] payload) {
        return new RtmpMessage(csid, type, ts, msid, ByteBuffer.wrap(payload));
    }

    static RtmpMessage control(int type, byte[] payload) {
        return msg(ProtocolControl.CONTROL_CSID, type, 0, 0, payload);
    }

    static RtmpMessage userControl(int event, int valueBytes) {
        return control(MessageType.USER_CONTROL, cat(new byte[] {0, (byte) event}, new byte[valueBytes]));
    }

    static RtmpMessage cmd(int msid, Object... values) {
        return msg(3, MessageType.COMMAND_AMF0, 0, msid, Amf0Writer.encode(values));
    }

    static RtmpMessage rawCmd(byte[] amf) {
        return msg(3, MessageType.COMMAND_AMF0, 0, 0, amf);
    }

    /** The message's chunks at the default chunk size 128, starting with a type 0 header. */
    static byte[] chunks(RtmpMessage m) {
        return bytes(new ChunkEncoder().encode(m));
    }

    /** Chunks with carrying the first {@code sent} payload bytes (a multiple of 128) of a {@code length}-byte one. */
    static byte[] partial(int csid, int type, int length, int sent) {
        byte[] whole = chunks(msg(csid, type, 0, 0, new byte[length]));
        return java.util.Arrays.copyOf(whole, 12 + sent + (sent - 1) / 128);
    }

    /** B2: chunk size 4096, a 6000-byte message's first 4096-byte chunk, chunk size 128, the rest in 128s. */
    static byte[] b2() {
        ChunkEncoder big = new ChunkEncoder();
        big.setChunkSize(4096);
        byte[] video = bytes(big.encode(msg(7, 9, 0, 0, new byte[6000])));
        byte[] first = java.util.Arrays.copyOf(video, 12 + 4096);
        ByteArrayOutputStream rest = new ByteArrayOutputStream();
        for (int at = 4096; at < 6000; at += 128) {
            rest.write(0xC7);
            rest.write(new byte[Math.min(128, 6000 - at)], 0, Math.min(128, 6000 - at));
        }
        return cat(chunks(control(1, u32(4096))), first, chunks(control(1, u32(128))), rest.toByteArray());
    }

    static byte[] b4() {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (int csid = 100; csid < 165; csid++) {
            // 2-byte basic header, type 0, a 200-byte video message of which the first 128-byte chunk is sent
            b.writeBytes(cat(new byte[] {0, (byte) (csid - 64)}, hex("0000000000c80900000000"), new byte[128]));
        }
        return b.toByteArray();
    }

    static byte[] b6() {
        byte[] start = java.util.Arrays.copyOf(chunks(msg(6, 9, 0, 0, new byte[300])), 12 + 128);
        // a type 1 header on the same csid declaring 400 bytes before the first message is complete
        return cat(start, hex("46000000000190090000"));
    }

    static byte[] b7(boolean repeat) {
        byte[] payload = Amf0Writer.encode("createStream", 9.0, null, "x".repeat(200));
        ByteBuffer b = ByteBuffer.allocate(payload.length + 64);
        b.put((byte) 0x03).put(hex("ffffff")).put((byte) (payload.length >>> 16)).put((byte) (payload.length >>> 8))
                .put((byte) payload.length).put((byte) 20).putInt(0).putInt(0xFFFFFFFF);
        b.put(payload, 0, 128).put((byte) 0xC3);
        if (repeat) {
            b.putInt(0xFFFFFFFF);
        }
        b.put(payload, 128, payload.length - 128);
        return java.util.Arrays.copyOf(b.array(), b.position());
    }

    static byte[] b8() {
        ChunkEncoder enc = new ChunkEncoder();
        long[] times = {1000, 1000, 1000, 500, 0x7FFFFFF0L, 0x80000010L, 0xFFFFFFF0L, 0x10, 0x20};
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int k = 0;
        for (FlvTag t : tags.subList(10, 60)) {
            if (t.type() != FlvTag.VIDEO) {
                continue;
            }
            b.writeBytes(bytes(enc.encode(msg(6, 9, times[k++ % times.length], 1, bytes(t.body())))));
        }
        return b.toByteArray();
    }

    static byte[] d5() {
        // a fresh publisher on another track id would be ideal; here: inter frames only (FrameType 2), no IDR
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        ChunkEncoder enc = new ChunkEncoder();
        for (int i = 0; i < 50; i++) {
            b.writeBytes(bytes(enc.encode(msg(6, 9, 40L * i, 1, hex("2701000000000000050141aabbcc")))));
        }
        return b.toByteArray();
    }
}
