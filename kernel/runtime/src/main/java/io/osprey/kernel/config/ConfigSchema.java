package io.osprey.kernel.config;

import com.fasterxml.jackson.databind.JsonNode;
import io.osprey.spi.Setting;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The keys of a typed config class, read from the class itself: the key is the field name, the type the field's
 * type, the default the field initialiser, and the one-line doc, range and allowed values come from
 * {@link Setting}. Nested classes are flattened to dotted keys ({@code record.enabled}); a map of such classes
 * (per-app overrides) is one key of type {@code map} whose {@code entry} lists the keys of one value.
 *
 * <p>This is the only description of a plugin's keys: the admin API serves it, the console builds its form from it,
 * and {@code OSPREY_PLUGINS_*} environment names are resolved against it. Stateless; thread-safe.
 */
public final class ConfigSchema {

    /** Nesting deeper than this is not described (config classes are small trees; this guards a cycle). */
    private static final int MAX_DEPTH = 6;

    /**
     * One key. {@code min}, {@code max} are null when unbounded; {@code allowed} is empty when any value goes;
     * {@code entry} describes one value of a {@code map} of sections, else it is empty.
     */
    public record Key(String key, String type, JsonNode defaultValue, Long min, Long max, List<String> allowed,
                      String doc, List<Key> entry) {

        /** The JSON form served by the admin API. */
        public Map<String, Object> toJson() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("key", key);
            m.put("type", type);
            m.put("default", defaultValue);
            if (min != null) {
                m.put("min", min);
            }
            if (max != null) {
                m.put("max", max);
            }
            if (!allowed.isEmpty()) {
                m.put("allowed", allowed);
            }
            m.put("doc", doc);
            if (!entry.isEmpty()) {
                m.put("entry", entry.stream().map(Key::toJson).toList());
            }
            return m;
        }
    }

    private ConfigSchema() {
    }

    /** The keys of {@code type} in declaration order; empty for {@code null} (a plugin without settings). */
    public static List<Key> keys(Class<?> type) {
        List<Key> out = new ArrayList<>();
        if (type != null) {
            describe(type, instance(type), "", out, 0);
        }
        return out;
    }

    private static void describe(Class<?> type, Object defaults, String prefix, List<Key> out, int depth) {
        for (Field f : fields(type)) {
            Object dv = read(f, defaults);
            String key = prefix + f.getName();
            Class<?> t = f.getType();
            if (isSection(t) && depth < MAX_DEPTH) {
                describe(t, dv != null ? dv : instance(t), key + ".", out, depth + 1);
                continue;
            }
            Setting s = f.getAnnotation(Setting.class);
            List<Key> entry = new ArrayList<>();
            Class<?> valueType = mapValueType(f);
            if (valueType != null && isSection(valueType) && depth < MAX_DEPTH) {
                describe(valueType, null, "", entry, depth + 1);
            }
            out.add(new Key(key, typeName(t), ConfigBinder.MAPPER.valueToTree(dv),
                    s == null || s.min() == Long.MIN_VALUE ? null : s.min(),
                    s == null || s.max() == Long.MAX_VALUE ? null : s.max(), allowed(f, s), s == null ? "" : s.value(),
                    entry));
        }
    }

    /** A bound config object as JSON, read the way it was bound (every field is a key). */
    public static JsonNode values(Object bound) {
        return ConfigBinder.MAPPER.valueToTree(bound);
    }

    /**
     * Checks every {@link Setting} rule of {@code config} (and of its nested sections and map entries); the
     * first broken rule is thrown with its key relative to the section.
     */
    static void check(Object config) {
        check(config, "", 0);
    }

    private static void check(Object config, String prefix, int depth) {
        if (config == null || depth > MAX_DEPTH) {
            return;
        }
        for (Field f : fields(config.getClass())) {
            Object v = read(f, config);
            if (v == null) {
                continue;
            }
            String key = prefix + f.getName();
            Setting s = f.getAnnotation(Setting.class);
            if (s != null) {
                v = checkValue(f, s, v, key, config);
            }
            if (isSection(f.getType())) {
                check(v, key + ".", depth + 1);
            } else if (v instanceof Map<?, ?> m && isSection(mapValueType(f))) {
                for (Map.Entry<?, ?> e : m.entrySet()) {
                    check(e.getValue(), key + "." + e.getKey() + ".", depth + 1);
                }
            }
        }
    }

    private static Object checkValue(Field f, Setting s, Object v, String key, Object owner) {
        boolean out = v instanceof Double || v instanceof Float ? outside(((Number) v).doubleValue(), s)
                : v instanceof Number n && outside(n.longValue(), s);
        if (out) {
            throw new io.osprey.spi.ConfigException(key, rangeReason(s, v));
        }
        List<String> allowed = allowed(f, s);
        if (!allowed.isEmpty() && v instanceof String str) {
            if (allowed.contains("on") && allowed.contains("off") && (str.equals("true") || str.equals("false"))) {
                str = str.equals("true") ? "on" : "off"; // YAML 1.1 reads a bare on/off as a boolean
                write(f, owner, str);
                v = str;
            }
            if (!allowed.contains(str)) {
                throw new io.osprey.spi.ConfigException(key, "must be " + words(allowed) + ", was " + str);
            }
        }
        return v;
    }

    private static boolean outside(long v, Setting s) {
        return v < s.min() || v > s.max();
    }

    private static boolean outside(double v, Setting s) {
        return (s.min() != Long.MIN_VALUE && v < s.min()) || (s.max() != Long.MAX_VALUE && v > s.max());
    }

    /** The reason for a number out of range; the console words it the same way (console/config.js). */
    static String rangeReason(Setting s, Object was) {
        if (s.min() != Long.MIN_VALUE && s.max() != Long.MAX_VALUE) {
            return "must be " + s.min() + ".." + s.max() + ", was " + was;
        }
        return s.min() != Long.MIN_VALUE ? "must be at least " + s.min() + ", was " + was
                : "must be at most " + s.max() + ", was " + was;
    }

    /** {@code a, b or c}. */
    static String words(List<String> allowed) {
        if (allowed.size() == 1) {
            return allowed.get(0);
        }
        return String.join(", ", allowed.subList(0, allowed.size() - 1)) + " or " + allowed.get(allowed.size() - 1);
    }

    private static List<String> allowed(Field f, Setting s) {
        if (s != null && s.allowed().length > 0) {
            return List.of(s.allowed());
        }
        if (f.getType().isEnum()) {
            return Arrays.stream(f.getType().getEnumConstants()).map(c -> ((Enum<?>) c).name()).toList();
        }
        return List.of();
    }

    private static String typeName(Class<?> t) {
        if (t == int.class || t == Integer.class || t == long.class || t == Long.class || t == short.class
                || t == Short.class) {
            return "integer";
        }
        if (t == double.class || t == Double.class || t == float.class || t == Float.class) {
            return "number";
        }
        if (t == boolean.class || t == Boolean.class) {
            return "boolean";
        }
        if (t == String.class || t.isEnum()) {
            return "string";
        }
        if (Collection.class.isAssignableFrom(t) || t.isArray()) {
            return "list";
        }
        if (Map.class.isAssignableFrom(t)) {
            return "map";
        }
        return "value";
    }

    /** A nested config class: not a JDK type, not an enum, not a collection. */
    static boolean isSection(Class<?> t) {
        return t != null && !t.isPrimitive() && !t.isEnum() && !t.isArray() && !t.isInterface()
                && !t.getName().startsWith("java.") && !JsonNode.class.isAssignableFrom(t);
    }

    private static Class<?> mapValueType(Field f) {
        if (!Map.class.isAssignableFrom(f.getType())) {
            return null;
        }
        Type g = f.getGenericType();
        if (g instanceof ParameterizedType p && p.getActualTypeArguments().length == 2
                && p.getActualTypeArguments()[1] instanceof Class<?> c) {
            return c;
        }
        return null;
    }

    /** The fields Jackson binds (see {@link ConfigBinder#MAPPER}): every non-static, non-transient field. */
    static List<Field> fields(Class<?> type) {
        List<Field> out = new ArrayList<>();
        List<Class<?>> chain = new ArrayList<>();
        for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
            chain.add(0, c);
        }
        for (Class<?> c : chain) {
            for (Field f : c.getDeclaredFields()) {
                int m = f.getModifiers();
                if (!Modifier.isStatic(m) && !Modifier.isTransient(m) && !f.isSynthetic()) {
                    out.add(f);
                }
            }
        }
        return out;
    }

    private static Object instance(Class<?> type) {
        try {
            Constructor<?> c = type.getDeclaredConstructor();
            c.setAccessible(true);
            return c.newInstance();
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }

    private static Object read(Field f, Object owner) {
        if (owner == null) {
            return null;
        }
        try {
            f.setAccessible(true);
            return f.get(owner);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }

    private static void write(Field f, Object owner, Object value) {
        try {
            f.setAccessible(true);
            f.set(owner, value);
        } catch (ReflectiveOperationException | RuntimeException e) {
            // a final field: the value is checked as it is
        }
    }
}
