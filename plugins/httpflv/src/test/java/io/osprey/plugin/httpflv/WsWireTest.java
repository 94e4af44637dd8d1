package io.osprey.plugin.httpflv;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.jetty.io.ByteArrayEndPoint;
import org.eclipse.jetty.util.Callback;
import org.junit.jupiter.api.Test;

class WsWireTest {

    private static byte[] bytes(ByteBuffer b) {
        byte[] out = new byte[b.remaining()];
        b.duplicate().get(out);
        return out;
    }

    @Test
    void headersFollowRfc6455() {
        // 5.2: FIN=1, RSV=0, opcode 0x2 binary; MASK=0 (server to client); 7-bit length
        assertArrayEquals(new byte[] {(byte) 0x82, 125}, bytes(WsWire.header(125)));
        // 126: a 16-bit length follows, network order
        assertArrayEquals(new byte[] {(byte) 0x82, 126, 0, 126}, bytes(WsWire.header(126)));
        assertArrayEquals(new byte[] {(byte) 0x82, 126, (byte) 0xFF, (byte) 0xFF}, bytes(WsWire.header(65535)));
        // 127: a 64-bit length follows (most significant bit 0)
        assertArrayEquals(new byte[] {(byte) 0x82, 127, 0, 0, 0, 0, 0, 1, 0, 0}, bytes(WsWire.header(65536)));
    }

    @Test
    void framesAndQueuedOperationsGoOutInOrderOneAtATime() throws Exception {
        ByteArrayEndPoint ep = new ByteArrayEndPoint();
        WsWire wire = new WsWire(ep);
        List<String> done = new ArrayList<>();
        Callback[] control = new Callback[1];
        wire.binary(ByteBuffer.wrap(new byte[] {1, 2, 3}), Callback.from(() -> done.add("media 1")));
        // a control frame Jetty writes: held until we say it completed
        wire.run(cb -> {
            done.add("control started");
            control[0] = cb;
        });
        wire.binary(ByteBuffer.wrap(new byte[] {4}), Callback.from(() -> done.add("media 2")));
        assertEquals(List.of("media 1", "control started"), done, "media 2 waits for the control frame");
        control[0].succeeded();
        assertEquals(List.of("media 1", "control started", "media 2"), done);
        byte[] out = bytes(ep.takeOutput());
        assertArrayEquals(new byte[] {(byte) 0x82, 3, 1, 2, 3, (byte) 0x82, 1, 4}, out);
        assertTrue(ep.isOpen());
    }
}
