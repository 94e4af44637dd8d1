package io.osprey.media.amf0;

import java.util.LinkedHashMap;
import java.util.Map;

/** An AMF0 ECMA (associative) array, marker 0x08 (AMF0 spec 2.10), as used by {@code onMetaData}. */
public class Amf0EcmaArray extends LinkedHashMap<String, Object> {

    private static final long serialVersionUID = 1L;

    public Amf0EcmaArray() {
    }

    /** An ECMA array holding a copy of {@code properties} in their iteration order. */
    public Amf0EcmaArray(Map<String, ?> properties) {
        super(properties);
    }

    /** Fluent {@link #put}. */
    public Amf0EcmaArray with(String key, Object value) {
        put(key, value);
        return this;
    }
}
