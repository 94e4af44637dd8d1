package io.osprey.plugin.rtmp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.osprey.media.flv.FlvMedia;
import io.osprey.media.flv.FlvTag;
import io.osprey.media.flv.MediaPacket;
import io.osprey.spi.Registration;
import io.osprey.spi.bus.Frame;
import io.osprey.spi.bus.MediaKind;
import io.osprey.spi.bus.StreamNotFoundException;
import io.osprey.spi.bus.StreamView;
import io.osprey.spi.bus.StreamWatcher;
import io.osprey.spi.bus.SubscribeOptions;
import io.osprey.spi.bus.Subscription;
import io.osprey.testkit.Await;
import io.osprey.testkit.TestMedia;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * HTTP-FLV push bodies as they arrive in practice (issue 13, point 7): a whole chunked body in one burst loses no
 * frame, a {@code .flv} suffix names the same stream as without it, and a body that ends inside a tag is answered
 * 400 with the reason while what came before it is kept.
 */
class PushBodyTest {

    private static SharedServer s;
    private static Path clip;
    private static byte[] flv;

    @BeforeAll
    static void start() throws Exception {
        s = SharedServer.get();
        clip = TestMedia.h264Aac(3, 500);
        flv = Files.readAllBytes(clip);
    }

    /** A recorder-like reader: subscribes when {@code stream} starts and reads nothing until asked to. */
    private static final class LateReader implements StreamWatcher {
        final String stream;
        final CompletableFuture<Subscription> sub = new CompletableFuture<>();
        Registration registration;

        LateReader(String stream) {
            this.stream = stream;
            registration = s.server.kernel().bus().watch(this);
        }

        @Override
        public void onStreamStarted(StreamView v) {
            if (v.key().toString().equals(stream)) {
                try {
                    sub.complete(s.server.kernel().bus().subscribe(v.key(), new SubscribeOptions("test", false,
                            true, true, false, 4096, 64L << 20, 30_000, 0), x -> { }));
                } catch (StreamNotFoundException e) {
                    sub.completeExceptionally(e);
                }
            }
        }

        List<Frame> readAll() throws Exception {
            Subscription x = sub.get(10, TimeUnit.SECONDS);
            List<Frame> out = new ArrayList<>();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (x.poll(out, 1000) >= 0) {
                assertTrue(System.nanoTime() < deadline, "the subscription ends after the stream's frames");
                Thread.sleep(1);
            }
            registration.close();
            return out;
        }
    }

    private static String send(String method, String path, byte[] head, byte[] body) throws Exception {
        try (Socket sock = new Socket("127.0.0.1", s.server.httpPort())) {
            sock.setSoTimeout(10_000);
            OutputStream out = sock.getOutputStream();
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            all.write((method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: video/x-flv\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            all.write(head);
            all.write(body);
            out.write(all.toByteArray()); // one write: the whole request in one burst
            out.flush();
            InputStream in = sock.getInputStream();
            return new String(in.readNBytes(12), StandardCharsets.US_ASCII);
        }
    }

    private static byte[] chunked(byte[] body, int piece) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (int at = 0; at < body.length; at += piece) {
            int n = Math.min(piece, body.length - at);
            b.writeBytes((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.US_ASCII));
            b.write(body, at, n);
            b.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        b.writeBytes("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        return b.toByteArray();
    }

    /** Frames of {@code type} from the first video key frame on (where the bus has a subscriber join). */
    private static int mediaFrames(List<FlvTag> tags, int type) throws Exception {
        int n = 0;
        boolean joined = false;
        for (FlvTag t : tags) {
            if (t.type() == FlvTag.VIDEO && FlvMedia.parseVideo(t.body().duplicate()).stream()
                    .anyMatch(m -> m.kind() == MediaPacket.PacketKind.FRAME && m.key())) {
                joined = true;
            }
            if (joined && t.type() == type) {
                List<MediaPacket> p = t.type() == FlvTag.VIDEO ? FlvMedia.parseVideo(t.body().duplicate())
                        : FlvMedia.parseAudio(t.body().duplicate());
                n += (int) p.stream().filter(m -> m.kind() == MediaPacket.PacketKind.FRAME).count();
            }
        }
        return n;
    }

    @Test
    void aChunkedPushSentInOneBurstKeepsEveryFrameOfBothTracks() throws Exception {
        LateReader reader = new LateReader("live/burst");
        String status = send("POST", "/live/burst", "Transfer-Encoding: chunked\r\n\r\n"
                .getBytes(StandardCharsets.US_ASCII), chunked(flv, 4096));
        assertEquals("HTTP/1.1 200", status);
        List<Frame> got = reader.readAll();
        List<FlvTag> tags = RtmpTestClient.tags(clip);
        long video = got.stream().filter(f -> f.kind() == MediaKind.VIDEO && !f.isConfig()).count();
        long audio = got.stream().filter(f -> f.kind() == MediaKind.AUDIO && !f.isConfig()).count();
        assertEquals(mediaFrames(tags, FlvTag.VIDEO), video, "every video frame of the body");
        assertEquals(mediaFrames(tags, FlvTag.AUDIO), audio, "every audio frame of the body");
        long lastDts = got.stream().filter(f -> f.kind() == MediaKind.VIDEO).mapToLong(Frame::dts).max().orElse(0);
        assertTrue(lastDts >= 2_800, "the whole 3 s: last video dts " + lastDts);
        got.forEach(Frame::release);
    }

    @Test
    void aPushToAStreamNamedWithFlvPublishesTheStreamWithoutIt() throws Exception {
        LateReader reader = new LateReader("live/keep");
        String status = send("PUT", "/live/keep.flv", ("Content-Length: " + flv.length + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII), flv);
        assertEquals("HTTP/1.1 200", status);
        assertTrue(reader.readAll().stream().anyMatch(Frame::isVideoKey), "live/keep carried the push");
        assertEquals("keep", PushHandler.stripFlv("keep.FLV"));
        assertEquals(".flv", PushHandler.stripFlv(".flv"));
        assertEquals("keep.flv.bak", PushHandler.stripFlv("keep.flv.bak"));
    }

    @Test
    void aPushOfScriptTagsOverTheDataBudgetIsAnswered400() throws Exception {
        // the clip's header, then 2,000 script tags (E.4.1 TagType 18) at once: over maxDataMessagesPerSecond (300)
        byte[] script = io.osprey.media.amf0.Amf0Writer.encode("onTextData", java.util.Map.of("text", "x"));
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.write(flv, 0, 13); // FLV header and PreviousTagSize0
        for (int i = 0; i < 2000; i++) {
            int n = script.length;
            body.write(new byte[] {18, (byte) (n >> 16), (byte) (n >> 8), (byte) n, 0, 0, 0, 0, 0, 0, 0});
            body.write(script);
            int prev = 11 + n;
            body.write(new byte[] {(byte) (prev >> 24), (byte) (prev >> 16), (byte) (prev >> 8), (byte) prev});
        }
        long mark = s.log.mark();
        String status = send("POST", "/live/chatty", ("Content-Length: " + body.size() + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII), body.toByteArray());
        assertEquals("HTTP/1.1 400", status);
        assertNotNull(s.log.awaitSince(mark, Duration.ofSeconds(5), "closing", "script tags in one second"));
    }

    @Test
    void aBodyThatEndsInsideATagIsAnswered400AndWhatCameBeforeIsKept() throws Exception {
        LateReader reader = new LateReader("live/cut");
        long mark = s.log.mark();
        int at = flv.length * 2 / 3;
        io.osprey.media.flv.FlvReader check = new io.osprey.media.flv.FlvReader(1 << 20, new io.osprey.media.flv
                .FlvReader.Listener() {
            @Override
            public void onHeader(boolean audio, boolean video) {
            }

            @Override
            public void onTag(FlvTag tag) {
            }
        });
        check.feed(java.nio.ByteBuffer.wrap(flv, 0, at));
        byte[] cut = java.util.Arrays.copyOf(flv, check.truncation() != null ? at : at - 1); // inside a tag
        String status = send("POST", "/live/cut", ("Content-Length: " + cut.length + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII), cut);
        assertEquals("HTTP/1.1 400", status);
        List<Frame> got = reader.readAll();
        assertTrue(got.stream().filter(f -> f.kind() == MediaKind.VIDEO && !f.isConfig()).count() > 20,
                "the frames before the cut were published");
        assertNotNull(s.log.awaitSince(mark, Duration.ofSeconds(5), "closing: the push body ended inside",
                "a tag cut after"), "the cut is logged with the reason");
        got.forEach(Frame::release);
        Await.until("live/cut ended", Duration.ofSeconds(5),
                () -> SharedServer.status(s.server, "/api/streams/live/cut") == 404);
    }
}
