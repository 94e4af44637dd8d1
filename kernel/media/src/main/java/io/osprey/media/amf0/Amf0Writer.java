package io.osprey.media.amf0;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Encodes Java values as AMF0 (AMF0 spec section 2) into a growing heap buffer. Not thread-safe.
 *
 * <p>Mapping: {@code null} - null; {@link Amf0#UNDEFINED} - undefined; {@link Boolean} - boolean; any {@link Number}
 * - number (as a double); {@link String} - string, or long string past 65535 UTF-8 bytes; {@link Amf0Date} - date;
 * {@link Amf0EcmaArray} - ECMA array; {@link Amf0Object} with a class name - typed object; any other
 * {@code Map<String, ?>} - object; {@link List} - strict array. Anything else is an
 * {@link IllegalArgumentException}.
 *
 * <pre>{@code
 * byte[] result = Amf0Writer.encode("_result", 1.0, props, info);
 * }</pre>
 */
public final class Amf0Writer {

    /** Deeper nesting than this is certainly a cycle: no decoder accepts it. */
    private static final int MAX_DEPTH = 256;

    private byte[] buf = new byte[256];
    private int size;
    private int depth;

    /** Encodes {@code values} one after another. */
    public static byte[] encode(Object... values) {
        Amf0Writer w = new Amf0Writer();
        w.writeAll(values);
        return w.toByteArray();
    }

    public Amf0Writer writeAll(Object... values) {
        for (Object v : values) {
            write(v);
        }
        return this;
    }

    public Amf0Writer write(Object value) {
        if (value == null) {
            u8(Amf0.NULL);
        } else if (value == Amf0.UNDEFINED) {
            u8(Amf0.UNDEFINED_MARKER);
        } else if (value instanceof Boolean b) {
            u8(Amf0.BOOLEAN);
            u8(b ? 1 : 0);
        } else if (value instanceof Number n) {
            u8(Amf0.NUMBER);
            u64(Double.doubleToRawLongBits(n.doubleValue()));
        } else if (value instanceof String s) {
            string(s);
        } else if (value instanceof Amf0Date d) {
            u8(Amf0.DATE);
            u64(Double.doubleToRawLongBits(d.epochMillis()));
            u16(d.timeZone());
        } else if (value instanceof Amf0EcmaArray a) {
            u8(Amf0.ECMA_ARRAY);
            u32(a.size());
            properties(a);
        } else if (value instanceof Amf0Object o && o.className() != null) {
            u8(Amf0.TYPED_OBJECT);
            utf8(o.className());
            properties(o);
        } else if (value instanceof Map<?, ?> m) {
            u8(Amf0.OBJECT);
            properties(m);
        } else if (value instanceof List<?> list) {
            u8(Amf0.STRICT_ARRAY);
            u32(list.size());
            enter();
            for (Object v : list) {
                write(v);
            }
            depth--;
        } else {
            throw new IllegalArgumentException("no AMF0 encoding for " + value.getClass().getName());
        }
        return this;
    }

    /** The bytes written so far. */
    public byte[] toByteArray() {
        return Arrays.copyOf(buf, size);
    }

    /** A heap buffer of the bytes written so far, position 0. */
    public ByteBuffer toByteBuffer() {
        return ByteBuffer.wrap(toByteArray());
    }

    public int size() {
        return size;
    }

    /**
     * 2.5 object-property = (UTF-8 value-type), ended by UTF-8-empty object-end-marker (00 00 09). An empty name is
     * fine: no value starts with the end marker.
     */
    private void properties(Map<?, ?> map) {
        enter();
        for (Map.Entry<?, ?> e : map.entrySet()) {
            if (!(e.getKey() instanceof String key)) {
                throw new IllegalArgumentException("AMF0 property names must be strings: " + e.getKey());
            }
            utf8(key);
            write(e.getValue());
        }
        u16(0);
        u8(Amf0.OBJECT_END);
        depth--;
    }

    private void string(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        if (b.length <= 0xFFFF) {
            // 2.4 string-type = string-marker UTF-8
            u8(Amf0.STRING);
            u16(b.length);
        } else {
            // 2.14 long-string-type = long-string-marker UTF-8-long
            u8(Amf0.LONG_STRING);
            u32(b.length);
        }
        bytes(b);
    }

    /** 1.3 UTF-8 = U16 byte length, then the bytes; for property and class names. */
    private void utf8(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        if (b.length > 0xFFFF) {
            throw new IllegalArgumentException("AMF0 name longer than 65535 bytes");
        }
        u16(b.length);
        bytes(b);
    }

    private void enter() {
        if (++depth > MAX_DEPTH) {
            throw new IllegalArgumentException("AMF0 value nested deeper than " + MAX_DEPTH + " (a cycle?)");
        }
    }

    private void ensure(int n) {
        if (buf.length - size < n) {
            long want = Math.max((long) buf.length * 2, (long) size + n);
            if (want > Integer.MAX_VALUE - 8) {
                throw new IllegalArgumentException("AMF0 value too large");
            }
            buf = Arrays.copyOf(buf, (int) want);
        }
    }

    private void u8(int v) {
        ensure(1);
        buf[size++] = (byte) v;
    }

    private void u16(int v) {
        ensure(2);
        buf[size++] = (byte) (v >>> 8);
        buf[size++] = (byte) v;
    }

    private void u32(long v) {
        ensure(4);
        for (int shift = 24; shift >= 0; shift -= 8) {
            buf[size++] = (byte) (v >>> shift);
        }
    }

    private void u64(long v) {
        ensure(8);
        for (int shift = 56; shift >= 0; shift -= 8) {
            buf[size++] = (byte) (v >>> shift);
        }
    }

    private void bytes(byte[] b) {
        ensure(b.length);
        System.arraycopy(b, 0, buf, size, b.length);
        size += b.length;
    }
}
