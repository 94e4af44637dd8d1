package io.osprey.kernel.config;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.PropertyAccessor;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.osprey.spi.ConfigException;
import io.osprey.spi.PluginConfig;
import java.nio.file.Path;
import java.util.Map;

/** Binds a config section to a typed class and turns every failure into a {@link ConfigError} naming the key. */
final class ConfigBinder {

    static final ObjectMapper MAPPER = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true)
            .configure(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES, true)
            .configure(DeserializationFeature.ACCEPT_FLOAT_AS_INT, false)
            .setVisibility(PropertyAccessor.FIELD, JsonAutoDetect.Visibility.ANY)
            // keys are fields only: a method such as settings(String) must not read as a setter for "tings"
            .setVisibility(PropertyAccessor.SETTER, JsonAutoDetect.Visibility.NONE)
            .setVisibility(PropertyAccessor.GETTER, JsonAutoDetect.Visibility.NONE)
            .setVisibility(PropertyAccessor.IS_GETTER, JsonAutoDetect.Visibility.NONE)
            .configure(com.fasterxml.jackson.databind.MapperFeature.USE_GETTERS_AS_SETTERS, false);

    private ConfigBinder() {
    }

    static Object bind(ObjectNode section, Class<?> type, String prefix, Path file, Map<String, String> overrides)
            throws ConfigError {
        if (type == null) {
            if (section.size() > 0) {
                String k = section.fieldNames().next();
                throw error(prefix + "." + k, file, overrides, "unknown key (this plugin has no settings)");
            }
            return null;
        }
        Object value;
        try {
            value = MAPPER.treeToValue(section, type);
        } catch (UnrecognizedPropertyException e) {
            throw error(join(prefix, path(e)), file, overrides, "unknown key; known keys: " + e.getKnownPropertyIds());
        } catch (InvalidFormatException e) {
            throw error(join(prefix, path(e)), file, overrides, "'" + e.getValue() + "' is not a valid "
                    + simpleType(e.getTargetType()));
        } catch (MismatchedInputException e) {
            throw error(join(prefix, path(e)), file, overrides, "expected " + simpleType(e.getTargetType()));
        } catch (JsonMappingException e) {
            Throwable c = e.getCause();
            if (c instanceof ConfigException ce) {
                throw error(join(join(prefix, path(e)), ce.key()), file, overrides, ce.reason());
            }
            throw error(join(prefix, path(e)), file, overrides, e.getOriginalMessage());
        } catch (Exception e) {
            throw error(prefix, file, overrides, String.valueOf(e.getMessage()));
        }
        try {
            ConfigSchema.check(value); // the @Setting rules first: the console checks the same ones
        } catch (ConfigException e) {
            throw error(join(prefix, e.key()), file, overrides, e.reason());
        }
        if (value instanceof PluginConfig pc) {
            try {
                pc.validate();
            } catch (ConfigException e) {
                throw error(join(prefix, e.key()), file, overrides, e.reason());
            } catch (RuntimeException e) {
                throw error(prefix, file, overrides, "validation failed: " + e);
            }
        }
        return value;
    }

    private static String path(JsonMappingException e) {
        StringBuilder b = new StringBuilder();
        for (JsonMappingException.Reference r : e.getPath()) {
            if (r.getFieldName() != null) {
                if (b.length() > 0) {
                    b.append('.');
                }
                b.append(r.getFieldName());
            } else if (r.getIndex() >= 0) {
                b.append('[').append(r.getIndex()).append(']');
            }
        }
        return b.toString();
    }

    private static String join(String a, String b) {
        return b == null || b.isEmpty() ? a : a.isEmpty() ? b : a + "." + b;
    }

    private static String simpleType(Class<?> t) {
        if (t == null) {
            return "value";
        }
        if (t == int.class || t == Integer.class || t == long.class || t == Long.class) {
            return "whole number";
        }
        if (t == boolean.class || t == Boolean.class) {
            return "boolean (true/false)";
        }
        if (t == double.class || t == Double.class) {
            return "number";
        }
        if (t == String.class) {
            return "string";
        }
        if (t.isEnum()) {
            return "one of " + java.util.Arrays.toString(t.getEnumConstants());
        }
        return t.getSimpleName().toLowerCase(java.util.Locale.ROOT) + " section";
    }

    private static ConfigError error(String key, Path file, Map<String, String> overrides, String reason) {
        String source = overrides.getOrDefault(key, file == null ? "(built-in defaults)" : file.toString());
        return new ConfigError(key, source, reason);
    }
}
