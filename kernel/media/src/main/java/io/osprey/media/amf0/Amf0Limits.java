package io.osprey.media.amf0;

/**
 * Budgets for decoding untrusted AMF0 (HOSTILE-INPUTS C1-C3).
 *
 * @param maxDepth         deepest nesting of objects, ECMA arrays and strict arrays; a top-level container is depth 1
 * @param maxStringBytes   longest string in UTF-8 bytes, for property names, strings and long strings alike
 *                         (short strings cannot exceed 65535 bytes anyway)
 * @param maxElements      most properties or elements in one object, ECMA array or strict array
 * @param maxTotalElements most values one {@link Amf0Reader} decodes over its lifetime, counting every nested
 *                         value and property
 */
public record Amf0Limits(int maxDepth, int maxStringBytes, int maxElements, int maxTotalElements) {

    /** Depth 32, strings up to 1 MiB, 4096 elements per container, 65536 values per reader. */
    public static final Amf0Limits DEFAULT = new Amf0Limits(32, 1 << 20, 4096, 65536);

    public Amf0Limits {
        if (maxDepth < 1 || maxStringBytes < 0 || maxElements < 0 || maxTotalElements < 1) {
            throw new IllegalArgumentException("invalid AMF0 limits: depth=" + maxDepth + " string=" + maxStringBytes
                    + " elements=" + maxElements + " total=" + maxTotalElements);
        }
    }
}
