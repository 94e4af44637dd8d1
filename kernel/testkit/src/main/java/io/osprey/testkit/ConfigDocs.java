package io.osprey.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import io.osprey.kernel.config.Config;
import io.osprey.kernel.config.ConfigError;
import io.osprey.kernel.config.ConfigLoader;
import io.osprey.kernel.config.ConfigSchema;
import io.osprey.spi.Setting;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Checks on a plugin's typed config class as the kernel sees it: that its schema ({@code GET
 * /api/plugins/{id}/config}, the console's form) documents every key, and binding a section the way a config file
 * is bound, {@code @Setting} rules and {@code validate()} included. Stateless.
 *
 * <pre>{@code
 * ConfigDocs.assertEveryKeyDocumented(CleanupConfig.class); // fails naming each key without a doc
 * ConfigError e = assertThrows(ConfigError.class, () -> ConfigDocs.bind("cleanup", CleanupConfig.class,
 *         "quotaMB: -1"));
 * }</pre>
 */
public final class ConfigDocs {

    private ConfigDocs() {
    }

    /**
     * Fails unless every public field of {@code type} (and of its nested sections and per-entry classes) is a key of
     * the kernel's schema with a non-empty doc. Classes the schema does not describe (the elements of a list) must
     * carry a non-empty {@link Setting} themselves. Keys of map entries are written {@code apps.*.maxAgeMinutes}.
     */
    public static void assertEveryKeyDocumented(Class<?> type) {
        Map<String, String> docs = new LinkedHashMap<>();
        flatten(ConfigSchema.keys(type), "", docs);
        List<String> undocumented = new ArrayList<>();
        List<String> expected = new ArrayList<>();
        walk(type, "", docs, expected, undocumented, true, 0);
        if (expected.isEmpty()) {
            fail(type.getName() + " has no public fields");
        }
        if (!undocumented.isEmpty()) {
            fail(type.getSimpleName() + ": keys without a doc (add @io.osprey.spi.Setting): " + undocumented);
        }
    }

    /**
     * Binds {@code sectionYaml} (the body of {@code plugins.<id>}, e.g. {@code "quotaMB: -1"}) to {@code type} with
     * the kernel's loader, over the built-in defaults, exactly as a config file is read.
     *
     * @throws ConfigError as the kernel reports it: {@code plugins.<id>.<key>} and the reason
     */
    public static <T> T bind(String id, Class<T> type, String sectionYaml) throws ConfigError {
        StringBuilder file = new StringBuilder("plugins:\n  ").append(id).append(":\n");
        for (String line : sectionYaml.split("\n")) {
            file.append("    ").append(line).append('\n');
        }
        Config c = new ConfigLoader(null, List.of(), Map.of()).load(file.toString().getBytes(StandardCharsets.UTF_8));
        return type.cast(c.bindPlugin(id, type));
    }

    /** Asserts that binding {@code sectionYaml} is refused for {@code key} (relative) with {@code reason}. */
    public static void assertRefused(String id, Class<?> type, String sectionYaml, String key, String reason) {
        try {
            bind(id, type, sectionYaml);
        } catch (ConfigError e) {
            assertEquals("plugins." + id + "." + key, e.key(), e.getMessage());
            assertEquals(reason, e.reason(), e.getMessage());
            return;
        }
        fail("plugins." + id + " accepted " + sectionYaml);
    }

    private static void flatten(List<ConfigSchema.Key> keys, String prefix, Map<String, String> out) {
        for (ConfigSchema.Key k : keys) {
            out.put(prefix + k.key(), k.doc());
            flatten(k.entry(), prefix + k.key() + ".*.", out);
        }
    }

    private static void walk(Class<?> type, String prefix, Map<String, String> docs, List<String> expected,
                             List<String> undocumented, boolean inSchema, int depth) {
        if (depth > 6) {
            return;
        }
        for (Field f : type.getDeclaredFields()) {
            int m = f.getModifiers();
            if (!Modifier.isPublic(m) || Modifier.isStatic(m) || Modifier.isTransient(m)) {
                continue;
            }
            String key = prefix + f.getName();
            if (isSection(f.getType())) {
                walk(f.getType(), key + ".", docs, expected, undocumented, inSchema, depth + 1);
                continue;
            }
            expected.add(key);
            String doc;
            if (inSchema) {
                doc = docs.get(key);
            } else {
                Setting s = f.getAnnotation(Setting.class);
                doc = s == null ? null : s.value();
            }
            if (doc == null || doc.isBlank()) {
                undocumented.add(key);
            }
            Type g = f.getGenericType();
            if (Map.class.isAssignableFrom(f.getType()) && g instanceof ParameterizedType p) {
                Type v = p.getActualTypeArguments()[1];
                if (v instanceof Class<?> c && isSection(c)) {
                    walk(c, key + ".*.", docs, expected, undocumented, inSchema, depth + 1);
                } else if (element(v) instanceof Class<?> c && isSection(c)) { // a map of lists: not in the schema
                    walk(c, key + ".*[].", docs, expected, undocumented, false, depth + 1);
                }
            } else if (element(g) instanceof Class<?> c && isSection(c)) {
                walk(c, key + "[].", docs, expected, undocumented, false, depth + 1);
            }
        }
    }

    private static Type element(Type t) {
        if (t instanceof ParameterizedType p && p.getRawType() instanceof Class<?> raw
                && Collection.class.isAssignableFrom(raw)) {
            return p.getActualTypeArguments()[0];
        }
        return null;
    }

    private static boolean isSection(Class<?> t) {
        return !t.isPrimitive() && !t.isEnum() && !t.isArray() && !t.isInterface()
                && !t.getName().startsWith("java.");
    }
}
