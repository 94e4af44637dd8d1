package io.osprey.bench.rtmp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ChunkRoundTripTest {

    private record Msg(int type, long ts, int stream, int length, byte[] payload) {
    }

    private static List<Msg> decode(byte[] bytes, int chunkSize, int piece) throws IOException {
        List<Msg> out = new ArrayList<>();
        ChunkReader r = new ChunkReader((type, ts, stream, length, payload) -> {
            byte[] p = null;
            if (payload != null) {
                p = new byte[payload.remaining()];
                payload.get(p);
            }
            out.add(new Msg(type, ts, stream, length, p));
        });
        r.chunkSize(chunkSize);
        for (int i = 0; i < bytes.length; i += piece) {
            r.feed(ByteBuffer.wrap(bytes, i, Math.min(piece, bytes.length - i)));
        }
        return out;
    }

    private static byte[] body(int n, int seed) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (i * 31 + seed);
        }
        return b;
    }

    private static byte[] bytes(ByteBuffer b) {
        byte[] a = new byte[b.remaining()];
        b.get(a);
        return a;
    }

    @Test
    void messagesSurviveAnyChunkSizeAndSplit() throws IOException {
        for (int chunk : new int[] {128, 4096}) {
            ChunkWriter w = new ChunkWriter();
            w.chunkSize(chunk);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] cmd = body(300, 1);
            byte[] video = body(10_000, 2);
            byte[] data = body(chunk, 3); // exactly one chunk
            out.writeBytes(bytes(w.encode(3, 20, 1000, 0, cmd)));
            out.writeBytes(bytes(w.encode(6, 9, 40, 1, video)));
            out.writeBytes(bytes(w.encode(5, 18, 0xFFFFFFL + 5, 1, data))); // extended timestamp
            out.writeBytes(bytes(w.encode(6, 9, 0xFFFFFFFFL, 1, video))); // the largest timestamp
            out.writeBytes(bytes(w.encode(4, 8, 80, 1, new byte[0])));
            for (int piece : new int[] {1, 3, 13, 1000, out.size()}) {
                List<Msg> m = decode(out.toByteArray(), chunk, piece);
                assertEquals(5, m.size());
                assertEquals(20, m.get(0).type());
                assertEquals(1000, m.get(0).ts());
                assertArrayEquals(cmd, m.get(0).payload());
                assertEquals(9, m.get(1).type());
                assertEquals(40, m.get(1).ts());
                assertEquals(10_000, m.get(1).length());
                assertNull(m.get(1).payload(), "video is not copied");
                assertEquals(0xFFFFFFL + 5, m.get(2).ts());
                assertArrayEquals(data, m.get(2).payload());
                assertEquals(0xFFFFFFFFL, m.get(3).ts());
                assertEquals(0, m.get(4).length());
                assertEquals(80, m.get(4).ts());
            }
        }
    }

    /** Chunks of two messages on different chunk streams interleaved, with the 2- and 3-byte basic headers. */
    @Test
    void interleavedStreamsAndCompressedHeaders() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        // csid 64+6=70 in the 2-byte form, type 0 header: ts 100, length 200, type 18, stream 1
        out.writeBytes(new byte[] {0, 6, 0, 0, 100, 0, 0, (byte) 200, 18, 1, 0, 0, 0});
        out.writeBytes(body(128, 5));
        // csid 3 type 0: a 10-byte command, ts 0
        out.writeBytes(new byte[] {3, 0, 0, 0, 0, 0, 10, 20, 0, 0, 0, 0});
        out.writeBytes(body(10, 6));
        // csid 70 continues in the 3-byte form (1, 6, 0) with a type 3 header
        out.writeBytes(new byte[] {(byte) 0xC1, 6, 0});
        out.writeBytes(body(72, 7));
        // csid 3 type 2 (timestamp delta 25): same length and type
        out.writeBytes(new byte[] {(byte) 0x83, 0, 0, 25});
        out.writeBytes(body(10, 8));
        // csid 3 type 3 starting a new message: the same delta again
        out.writeBytes(new byte[] {(byte) 0xC3});
        out.writeBytes(body(10, 9));
        List<Msg> m = decode(out.toByteArray(), 128, 1);
        assertEquals(4, m.size());
        assertEquals(20, m.get(0).type());
        assertEquals(18, m.get(1).type());
        assertEquals(100, m.get(1).ts());
        assertEquals(200, m.get(1).payload().length);
        assertEquals(25, m.get(2).ts());
        assertEquals(50, m.get(3).ts());
        assertArrayEquals(body(10, 9), m.get(3).payload());
    }

    @Test
    void refusesAStreamThatStartsWithoutAFullHeader() {
        assertThrows(IOException.class, () -> decode(new byte[] {(byte) 0xC3, 0}, 128, 1));
    }
}
