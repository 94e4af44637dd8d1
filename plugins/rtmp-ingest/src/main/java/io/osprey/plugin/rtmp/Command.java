package io.osprey.plugin.rtmp;

import io.osprey.media.amf0.Amf0Exception;
import io.osprey.media.amf0.Amf0Reader;
import io.osprey.plugin.rtmp.protocol.RtmpProtocolException;
import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * One AMF0 command message (RTMP 7.1.1, 7.2) read from untrusted bytes: the command name, the transaction id, the
 * command object and the optional arguments, each type-checked where it is used (HOSTILE-INPUTS C1-C10). Every way
 * the bytes or the values can be wrong is an {@link RtmpProtocolException}, nothing else.
 *
 * @param name     the command name (7.2: the first value, a string)
 * @param txId     the transaction id: a finite number, else 0 (C9)
 * @param values   every value of the message, the name first
 */
record Command(String name, double txId, List<Object> values) {

    /** Longest query string read from a tcUrl, app or stream name (C10). */
    static final int MAX_QUERY = 4096;
    /** Most query parameters kept. */
    static final int MAX_PARAMS = 32;

    /** Reads a command message's payload. */
    static Command parse(ByteBuffer payload) throws RtmpProtocolException {
        List<Object> v;
        try {
            v = Amf0Reader.decodeAll(payload.duplicate());
        } catch (Amf0Exception e) {
            throw new RtmpProtocolException("bad AMF0 in command: " + e.getMessage());
        }
        if (v.isEmpty() || !(v.get(0) instanceof String name)) {
            throw new RtmpProtocolException("command without a name");
        }
        double txId = v.size() > 1 && v.get(1) instanceof Double d && Double.isFinite(d) ? d : 0;
        return new Command(name, txId, v);
    }

    /** 7.2.1.1 connect: the command object's {@code app}, a string. */
    String app() throws RtmpProtocolException {
        if (values.size() < 3 || !(values.get(2) instanceof Map<?, ?> cmd) || !(cmd.get("app") instanceof String a)) {
            throw new RtmpProtocolException("connect without an app");
        }
        return a;
    }

    /** 7.2.1.1 connect: the command object's {@code tcUrl}, or null. */
    String tcUrl() {
        return values.size() >= 3 && values.get(2) instanceof Map<?, ?> cmd && cmd.get("tcUrl") instanceof String t
                ? t : null;
    }

    /** 7.2.2.1 play, 7.2.2.6 publish: the stream name, the fourth value, a string (C6: Wirecast sends false). */
    String streamName() throws RtmpProtocolException {
        if (values.size() < 4 || !(values.get(3) instanceof String n)) {
            throw new RtmpProtocolException(name + " without a stream name");
        }
        return n;
    }

    /** {@code name?query}: the name, with the query's parameters added to {@code params}. */
    static String splitQuery(String raw, Map<String, String> params) {
        int q = raw.indexOf('?');
        if (q < 0) {
            return raw;
        }
        parseQuery(raw.substring(q + 1), params);
        return raw.substring(0, q);
    }

    /** Adds {@code k=v&...} to {@code out}: bounded in length and count, malformed escapes skipped. */
    static void parseQuery(String query, Map<String, String> out) {
        if (query.length() > MAX_QUERY) {
            return;
        }
        for (String pair : query.split("&")) {
            if (out.size() >= MAX_PARAMS) {
                return;
            }
            int eq = pair.indexOf('=');
            try {
                String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                String val = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                if (!k.isEmpty()) {
                    out.put(k, val);
                }
            } catch (IllegalArgumentException ignored) {
                // malformed escape: skip the pair
            }
        }
    }

    /** At most 64 characters, control characters replaced, for logs. */
    static String abbreviate(String s) {
        String t = s.length() > 64 ? s.substring(0, 64) + "..." : s;
        return t.replaceAll("[\\p{Cntrl}]", "?");
    }
}
