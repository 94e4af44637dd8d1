package io.osprey.bench.flv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.osprey.media.flv.FlvHeader;
import io.osprey.media.flv.FlvTag;
import io.osprey.media.flv.FlvTagWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class FlvScannerTest {

    /** An FLV stream written by kernel/media's writer: header, a probe, 200 KB video, audio past 2^24 ms. */
    private static byte[] stream() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(FlvHeader.bytes(true, true));
        write(out, FlvTag.SCRIPT, 5, ByteBuffer.wrap(Probe.encode(7)));
        write(out, FlvTag.VIDEO, 40, ByteBuffer.allocate(200_000));
        write(out, FlvTag.AUDIO, 0x1234567L, ByteBuffer.allocate(300));
        return out.toByteArray();
    }

    private static void write(ByteArrayOutputStream out, int type, long ts, ByteBuffer body) {
        ByteBuffer tag = FlvTagWriter.encode(type, ts, body);
        byte[] b = new byte[tag.remaining()];
        tag.get(b);
        out.writeBytes(b);
    }

    private record Seen(int type, long ts, int size) {
    }

    private static List<Object> scan(byte[] bytes, int piece) throws IOException {
        List<Object> seen = new ArrayList<>();
        FlvScanner s = new FlvScanner(new FlvScanner.Listener() {
            @Override
            public void onTag(int type, long timestamp, int size) {
                seen.add(new Seen(type, timestamp, size));
            }

            @Override
            public void onScript(long timestamp, ByteBuffer body) {
                seen.add(Probe.sentNanos(body) > 0 ? "probe" : "script");
            }
        });
        for (int i = 0; i < bytes.length; i += piece) {
            s.feed(ByteBuffer.wrap(bytes, i, Math.min(piece, bytes.length - i)));
        }
        return seen;
    }

    @Test
    void findsEveryTagWhateverTheSplit() throws IOException {
        byte[] bytes = stream();
        List<Object> expected = List.of(new Seen(18, 5, Probe.encode(7).length), "probe",
                new Seen(9, 40, 200_000), new Seen(8, 0x1234567L, 300));
        for (int piece : new int[] {1, 2, 7, 11, 15, 4096, bytes.length}) {
            assertEquals(expected, scan(bytes, piece), "pieces of " + piece);
        }
    }

    @Test
    void rejectsWhatIsNotFlv() {
        byte[] html = "HTTP/1.1 200 OK\r\n\r\n".getBytes();
        assertThrows(IOException.class, () -> scan(html, 100));
    }

    @Test
    void probeCarriesTheSendTime() {
        long before = System.nanoTime() / 1000 * 1000;
        long sent = Probe.sentNanos(ByteBuffer.wrap(Probe.encode(1)));
        assertTrue(sent >= before && sent <= System.nanoTime(), "sent " + sent + " before " + before);
        assertEquals(-1, Probe.sentNanos(ByteBuffer.wrap(io.osprey.media.amf0.Amf0Writer.encode("onMetaData",
                java.util.Map.of("sent", 1.0)))));
    }
}
