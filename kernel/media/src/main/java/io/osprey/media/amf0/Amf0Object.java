package io.osprey.media.amf0;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An AMF0 anonymous object (marker 0x03) or, with a {@link #className()}, a typed object (marker 0x10); properties
 * keep their wire order. Equality is that of a {@link Map}; the class name does not take part.
 */
public class Amf0Object extends LinkedHashMap<String, Object> {

    private static final long serialVersionUID = 1L;

    private final String className;

    /** An anonymous object. */
    public Amf0Object() {
        this.className = null;
    }

    /** A typed object of class {@code className}, or an anonymous one if {@code null}. */
    public Amf0Object(String className) {
        this.className = className;
    }

    /** An anonymous object holding a copy of {@code properties}. */
    public Amf0Object(Map<String, ?> properties) {
        super(properties);
        this.className = null;
    }

    /** The ActionScript class name of a typed object, {@code null} for an anonymous object. */
    public String className() {
        return className;
    }

    /** Fluent {@link #put} for building command objects. */
    public Amf0Object with(String key, Object value) {
        put(key, value);
        return this;
    }
}
