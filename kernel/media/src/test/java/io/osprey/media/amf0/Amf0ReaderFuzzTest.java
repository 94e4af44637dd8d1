package io.osprey.media.amf0;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.ByteBuffer;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Arbitrary bytes through {@link Amf0Reader}: only {@link Amf0Exception} may escape, and whatever decodes must
 * re-encode to bytes that decode to the same values (same types, same class names, same order). Regression inputs
 * live in {@code Amf0ReaderFuzzTestInputs/decode/}.
 */
class Amf0ReaderFuzzTest {

    @FuzzTest
    void decode(byte[] data) {
        List<Object> values;
        try {
            values = Amf0Reader.decodeAll(ByteBuffer.wrap(data));
        } catch (Amf0Exception expected) {
            return;
        }
        byte[] again = Amf0Writer.encode(values.toArray());
        List<Object> back;
        try {
            back = Amf0Reader.decodeAll(ByteBuffer.wrap(again));
        } catch (Amf0Exception e) {
            throw new AssertionError("re-encoded values do not decode: " + Bytes.toHex(again), e);
        }
        assertSame(values, back);
    }

    /** Equality that also tells objects, typed objects and ECMA arrays apart. */
    static void assertSame(Object expected, Object actual) {
        if (expected instanceof Map<?, ?> m) {
            assertEquals(expected.getClass(), actual.getClass());
            if (expected instanceof Amf0Object o) {
                assertEquals(o.className(), ((Amf0Object) actual).className());
            }
            Map<?, ?> n = (Map<?, ?>) actual;
            assertEquals(List.copyOf(m.keySet()), List.copyOf(n.keySet()));
            for (Map.Entry<?, ?> e : m.entrySet()) {
                assertSame(e.getValue(), n.get(e.getKey()));
            }
        } else if (expected instanceof List<?> l) {
            assertTrue(actual instanceof List<?>);
            List<?> k = (List<?>) actual;
            assertEquals(l.size(), k.size());
            Iterator<?> it = k.iterator();
            for (Object o : l) {
                assertSame(o, it.next());
            }
        } else {
            assertEquals(expected, actual);
        }
    }
}
