package io.osprey.media.amf0;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Decodes AMF0 values (AMF0 spec section 2) from an untrusted buffer, consuming its position.
 *
 * <p>Hostile-input rules (HOSTILE-INPUTS C1-C4, C7): every length is checked against the remaining bytes before
 * anything is allocated or copied; no collection is sized from a declared count; nesting is bounded by an explicit
 * depth counter, so no input can reach a {@link StackOverflowError}; a missing or truncated object end is an EOF
 * error; references, AMF3, XML, movie clips, record sets and unknown markers are rejected. Strings must be valid
 * UTF-8. Any failure is an {@link Amf0Exception}; after one, the buffer position is unspecified.
 *
 * <pre>{@code
 * List<Object> command = Amf0Reader.decodeAll(rtmpMessagePayload);
 * if (!(command.get(0) instanceof String name)) throw new Amf0Exception("command name is not a string");
 * }</pre>
 */
public final class Amf0Reader {

    private final ByteBuffer source;
    private final ByteBuffer in; // big-endian view of source; its position is copied back after each read
    private final Amf0Limits limits;
    private final CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    private int depth;
    private int total;

    public Amf0Reader(ByteBuffer in) {
        this(in, Amf0Limits.DEFAULT);
    }

    public Amf0Reader(ByteBuffer in, Amf0Limits limits) {
        this.source = Objects.requireNonNull(in, "in");
        this.in = in.duplicate().order(ByteOrder.BIG_ENDIAN);
        this.limits = Objects.requireNonNull(limits, "limits");
    }

    /** Decodes every value in {@code in} with the default limits. */
    public static List<Object> decodeAll(ByteBuffer in) throws Amf0Exception {
        return new Amf0Reader(in).readAll();
    }

    public boolean hasRemaining() {
        return source.hasRemaining();
    }

    /** Decodes values until the buffer is empty. */
    public List<Object> readAll() throws Amf0Exception {
        List<Object> values = new ArrayList<>();
        while (source.hasRemaining()) {
            values.add(read());
        }
        return values;
    }

    /** Decodes the next value and advances the buffer past it. */
    public Object read() throws Amf0Exception {
        in.position(source.position());
        depth = 0;
        Object value = value();
        source.position(in.position());
        return value;
    }

    /**
     * Decodes the next value, which must be a string or long string: for command names and stream names, which
     * encoders send as {@code false}, a number or null by mistake (HOSTILE-INPUTS C5, C6).
     */
    public String readString() throws Amf0Exception {
        if (!hasRemaining()) {
            throw new Amf0Exception("expected an AMF0 string, found the end of the data");
        }
        Object v = read();
        if (v instanceof String s) {
            return s;
        }
        throw new Amf0Exception("expected an AMF0 string, found " + describe(v));
    }

    /** Decodes the next value, which must be a number. */
    public double readNumber() throws Amf0Exception {
        if (!hasRemaining()) {
            throw new Amf0Exception("expected an AMF0 number, found the end of the data");
        }
        Object v = read();
        if (v instanceof Double d) {
            return d;
        }
        throw new Amf0Exception("expected an AMF0 number, found " + describe(v));
    }

    /**
     * Decodes the next value, which must be a number holding an integer in {@code [min, max]}: transaction and
     * stream ids, which must never be NaN, infinite, fractional or out of range (HOSTILE-INPUTS C9).
     */
    public int readInt(int min, int max) throws Amf0Exception {
        return toInt(readNumber(), min, max);
    }

    /** {@code number} as an int if it is an integer in {@code [min, max]} (-0.0 counts as 0). */
    public static int toInt(double number, int min, int max) throws Amf0Exception {
        if (!(number >= min && number <= max) || number != Math.rint(number)) {
            throw new Amf0Exception("AMF0 number " + number + " is not an integer in [" + min + ", " + max + "]");
        }
        return (int) number;
    }

    private static String describe(Object v) {
        return v == null ? "null" : v instanceof Amf0.Undefined ? "undefined" : v.getClass().getSimpleName();
    }

    private Object value() throws Amf0Exception {
        count();
        // AMF0 3.1: value-type = number-type | boolean-type | string-type | object-type | ...;
        // each starts with a U8 marker
        int marker = u8();
        switch (marker) {
            case Amf0.NUMBER:
                // 2.2 number-type = number-marker DOUBLE (IEEE 754, big-endian)
                require(8);
                return in.getDouble();
            case Amf0.BOOLEAN:
                // 2.3 boolean-type = boolean-marker U8; 0 is false, <> 0 is true
                return u8() != 0;
            case Amf0.STRING:
                // 2.4 string-type = string-marker UTF-8 (U16 byte length)
                return string(u16());
            case Amf0.LONG_STRING:
                // 2.14 long-string-type = long-string-marker UTF-8-long (U32 byte length)
                return string(u32());
            case Amf0.OBJECT:
                // 2.5 anonymous-object-type = object-marker *(object-property)
                return properties(new Amf0Object());
            case Amf0.TYPED_OBJECT:
                // 2.18 object-type = object-marker class-name *(object-property); class-name = UTF-8
                return properties(new Amf0Object(string(u16())));
            case Amf0.ECMA_ARRAY:
                // 2.10 ecma-array-type = associative-count *(object-property). The U32 count is only a hint
                // (encoders get it wrong, often 0): skip it and read properties up to the end marker.
                u32();
                return properties(new Amf0EcmaArray());
            case Amf0.STRICT_ARRAY:
                return strictArray();
            case Amf0.NULL:
                return null;
            case Amf0.UNDEFINED_MARKER:
                return Amf0.UNDEFINED;
            case Amf0.DATE:
                // 2.13 date-type = date-marker DOUBLE time-zone; time-zone = S16
                require(10);
                double millis = in.getDouble();
                return new Amf0Date(millis, in.getShort());
            case Amf0.REFERENCE:
                throw new Amf0Exception("AMF0 reference (0x07) not supported");
            case Amf0.AVMPLUS_OBJECT:
                throw new Amf0Exception("AMF0 switch to AMF3 (0x11) not supported");
            case Amf0.XML_DOCUMENT:
                throw new Amf0Exception("AMF0 XML document (0x0F) not supported");
            case Amf0.MOVIECLIP, Amf0.UNSUPPORTED, Amf0.RECORDSET:
                throw new Amf0Exception("AMF0 marker 0x" + Integer.toHexString(marker) + " not supported");
            case Amf0.OBJECT_END:
                throw new Amf0Exception("AMF0 object end (0x09) outside an object");
            default:
                throw new Amf0Exception("unknown AMF0 marker " + marker);
        }
    }

    /**
     * Reads object properties up to the end marker. 2.5: object-property = (UTF-8 value-type) |
     * (UTF-8-empty object-end-marker).
     */
    private <M extends Map<String, Object>> M properties(M map) throws Amf0Exception {
        enter();
        int n = 0;
        while (true) {
            int keyLength = u16();
            if (keyLength == 0) {
                require(1);
                if ((in.get(in.position()) & 0xFF) == Amf0.OBJECT_END) {
                    in.get();
                    break;
                }
            }
            if (++n > limits.maxElements()) {
                throw new Amf0Exception("AMF0 object has more than " + limits.maxElements() + " properties");
            }
            String key = string(keyLength);
            map.put(key, value());
        }
        depth--;
        return map;
    }

    /** 2.12 strict-array-type = array-count *(value-type); array-count = U32. */
    private List<Object> strictArray() throws Amf0Exception {
        long count = u32();
        // every value takes at least its marker byte, so the count can never exceed the bytes left
        if (count > in.remaining()) {
            throw new Amf0Exception("AMF0 strict array count " + count + " exceeds the " + in.remaining()
                    + " bytes left");
        }
        if (count > limits.maxElements()) {
            throw new Amf0Exception("AMF0 strict array count " + count + " exceeds " + limits.maxElements());
        }
        enter();
        List<Object> list = new ArrayList<>(Math.min((int) count, 16));
        for (long i = 0; i < count; i++) {
            list.add(value());
        }
        depth--;
        return list;
    }

    private String string(long length) throws Amf0Exception {
        if (length > limits.maxStringBytes()) {
            throw new Amf0Exception("AMF0 string of " + length + " bytes exceeds " + limits.maxStringBytes());
        }
        require(length);
        if (length == 0) {
            return "";
        }
        ByteBuffer bytes = in.slice(in.position(), (int) length);
        try {
            String s = utf8.decode(bytes).toString();
            in.position(in.position() + (int) length);
            return s;
        } catch (CharacterCodingException e) {
            throw new Amf0Exception("AMF0 string is not valid UTF-8");
        }
    }

    private void enter() throws Amf0Exception {
        if (++depth > limits.maxDepth()) {
            throw new Amf0Exception("AMF0 nesting deeper than " + limits.maxDepth());
        }
    }

    private void count() throws Amf0Exception {
        if (++total > limits.maxTotalElements()) {
            throw new Amf0Exception("more than " + limits.maxTotalElements() + " AMF0 values");
        }
    }

    private void require(long n) throws Amf0Exception {
        if (in.remaining() < n) {
            throw new Amf0Exception("AMF0 truncated: need " + n + " bytes, " + in.remaining() + " left");
        }
    }

    private int u8() throws Amf0Exception {
        require(1);
        return in.get() & 0xFF;
    }

    private int u16() throws Amf0Exception {
        require(2);
        return in.getShort() & 0xFFFF;
    }

    private long u32() throws Amf0Exception {
        require(4);
        return in.getInt() & 0xFFFFFFFFL;
    }
}
