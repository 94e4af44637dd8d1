package io.osprey.kernel.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Loads {@code osprey.yaml}: built-in defaults, then the file, then {@code OSPREY_*} environment variables, then
 * {@code --set key=value} overrides, each layer replacing keys of the one before. The result is validated as a
 * whole; the first bad value is reported with its key, the file (or the override that set it) and the reason.
 *
 * <p>Environment names map to keys by matching, level by level, the keys already present (from the defaults or the
 * file), compared upper-case with {@code -} and {@code .} read as {@code _}: {@code OSPREY_SERVER_HTTP_PORT} is
 * {@code server.http.port}, {@code OSPREY_PLUGINS_RTMP_INGEST_PORT} is {@code plugins.rtmp-ingest.port}.
 */
public final class ConfigLoader {

    public static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final String DEFAULTS = "/io/osprey/kernel/defaults.yaml";

    private final Path file;
    private final List<String> sets;
    private final Map<String, String> env;
    private volatile PluginTypes types = PluginTypes.NONE;

    /**
     * @param file the config file, or {@code null} for built-in defaults only
     * @param sets {@code key=value} overrides, in order
     * @param env  the environment (only {@code OSPREY_*} entries are used)
     */
    /** The launch scripts' own variables ({@code bin/osprey}): not config keys. */
    static final java.util.Set<String> LAUNCHER_ENV = java.util.Set.of("OSPREY_JAVA_OPTS", "OSPREY_HEAP", "OSPREY_DIRECT");

    public ConfigLoader(Path file, List<String> sets, Map<String, String> env) {
        this.file = file;
        this.sets = List.copyOf(sets);
        this.env = new TreeMap<>(env);
    }

    public Path file() {
        return file;
    }

    /**
     * The installed plugins, against whose config classes {@code OSPREY_PLUGINS_*} variables are resolved (see
     * {@link PluginTypes}); without it they resolve against the keys in the tree only.
     */
    public ConfigLoader pluginTypes(PluginTypes types) {
        this.types = types;
        return this;
    }

    public Config load() throws ConfigError {
        return load(file == null ? (ObjectNode) null : parseFile(file, readFile(file)));
    }

    /**
     * Loads with {@code fileText} in place of the config file's content, by the same rules as {@link #load()}:
     * what a save from the admin API is checked with before it is written. Errors still name the file.
     */
    public Config load(byte[] fileText) throws ConfigError {
        return load(parseFile(file, fileText));
    }

    private Config load(ObjectNode fileTree) throws ConfigError {
        ObjectNode tree = defaults();
        if (fileTree != null) {
            merge(tree, fileTree, "");
        }
        Map<String, String> overrides = new LinkedHashMap<>();
        Map<String, String> pluginVars = new TreeMap<>();
        for (Map.Entry<String, String> e : env.entrySet()) {
            if (!e.getKey().startsWith("OSPREY_") || e.getKey().length() == 7 || LAUNCHER_ENV.contains(e.getKey())) {
                continue;
            }
            if (e.getKey().startsWith(PluginEnv.PREFIX)) {
                // resolved when the plugin's section is read, against its config class: see PluginEnv
                pluginVars.put(e.getKey().substring(PluginEnv.PREFIX.length()), e.getValue());
                continue;
            }
            String key = resolveEnv(tree, e.getKey().substring(7));
            set(tree, key, e.getValue(), "environment variable " + e.getKey());
            overrides.put(key, "environment variable " + e.getKey());
        }
        for (String s : sets) {
            int eq = s.indexOf('=');
            if (eq <= 0) {
                throw new ConfigError(s, "--set", "expected key=value");
            }
            String key = s.substring(0, eq).trim();
            set(tree, key, s.substring(eq + 1), "--set " + key);
            overrides.put(key, "--set " + key);
        }
        return validate(tree, overrides, new PluginEnv(pluginVars, types));
    }

    private Config validate(ObjectNode tree, Map<String, String> overrides, PluginEnv pluginEnv) throws ConfigError {
        for (Iterator<String> it = tree.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!k.equals("server") && !k.equals("bus") && !k.equals("cluster") && !k.equals("plugins")) {
                throw new ConfigError(k, overrides.getOrDefault(k, source()),
                        "unknown section (expected server, bus, cluster, plugins)");
            }
        }
        ServerConfig server = (ServerConfig) ConfigBinder.bind(section(tree, "server", overrides), ServerConfig.class,
                "server", file, overrides);
        BusConfig bus = (BusConfig) ConfigBinder.bind(section(tree, "bus", overrides), BusConfig.class, "bus", file,
                overrides);
        ClusterConfig cluster = (ClusterConfig) ConfigBinder.bind(section(tree, "cluster", overrides),
                ClusterConfig.class, "cluster", file, overrides);
        JsonNode plugins = tree.path("plugins");
        if (!plugins.isMissingNode() && !plugins.isObject() && !plugins.isNull()) {
            throw new ConfigError("plugins", source(), "must be a section of plugin ids");
        }
        if (plugins.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = plugins.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> p = it.next();
                String key = "plugins." + p.getKey();
                if (!p.getValue().isObject() && !p.getValue().isNull()) {
                    throw new ConfigError(key, overrides.getOrDefault(key, source()), "must be a section");
                }
                JsonNode enabled = p.getValue().path("enabled");
                if (!enabled.isMissingNode() && !enabled.isBoolean() && !enabled.isNull()) {
                    throw new ConfigError(key + ".enabled", overrides.getOrDefault(key + ".enabled", source()),
                            "expected true or false, was '" + enabled.asText() + "'");
                }
            }
        }
        return new Config(tree, file, Map.copyOf(overrides), server, bus, cluster, pluginEnv);
    }

    private ObjectNode section(ObjectNode tree, String name, Map<String, String> overrides) throws ConfigError {
        JsonNode n = tree.path(name);
        if (n.isMissingNode() || n.isNull()) {
            return tree.objectNode();
        }
        if (!n.isObject()) {
            throw new ConfigError(name, overrides.getOrDefault(name, source()), "must be a section");
        }
        return (ObjectNode) n;
    }

    private String source() {
        return file == null ? "(built-in defaults)" : file.toString();
    }

    /** Plugin ids with a section in the built-in defaults. */
    static java.util.Set<String> defaultPluginIds() {
        return DefaultIds.IDS;
    }

    /** Read once: the defaults are a class-path resource that does not change while the kernel runs. */
    private static final class DefaultIds {
        static final java.util.Set<String> IDS;

        static {
            java.util.Set<String> ids = new java.util.TreeSet<>();
            defaults().path("plugins").fieldNames().forEachRemaining(ids::add);
            IDS = java.util.Collections.unmodifiableSet(ids);
        }
    }

    private static ObjectNode defaults() {
        try (InputStream in = ConfigLoader.class.getResourceAsStream(DEFAULTS)) {
            return (ObjectNode) YAML.readTree(in);
        } catch (IOException e) {
            throw new IllegalStateException("built-in defaults unreadable", e);
        }
    }

    private static byte[] readFile(Path file) throws ConfigError {
        try {
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw ConfigError.in(file, "", "file not found");
        } catch (java.nio.file.AccessDeniedException e) {
            throw ConfigError.in(file, "", "cannot read it: permission denied");
        } catch (IOException e) {
            throw ConfigError.in(file, "", "cannot read it: " + e.getMessage());
        }
    }

    private static ObjectNode parseFile(Path file, byte[] bytes) throws ConfigError {
        try {
            if (bytes.length == 0) {
                return JsonNodeFactory.instance.objectNode();
            }
            JsonNode n = YAML.readTree(bytes);
            if (n == null || n.isMissingNode() || n.isNull()) {
                return JsonNodeFactory.instance.objectNode();
            }
            if (!n.isObject()) {
                throw ConfigError.in(file, "", "the top level must be a map of sections (server, bus, cluster, plugins)");
            }
            return (ObjectNode) n;
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr() + ", column "
                    + e.getLocation().getColumnNr();
            throw ConfigError.in(file, "", "not valid YAML" + where + ": " + e.getOriginalMessage());
        } catch (IOException e) {
            throw ConfigError.in(file, "", "cannot read it: " + e.getMessage());
        }
    }

    /** Deep-merges {@code from} into {@code into}: maps merge, everything else replaces. */
    static void merge(ObjectNode into, ObjectNode from, String prefix) {
        for (Iterator<Map.Entry<String, JsonNode>> it = from.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode old = into.get(e.getKey());
            if (old instanceof ObjectNode o && e.getValue() instanceof ObjectNode n) {
                merge(o, n, prefix + e.getKey() + ".");
            } else {
                into.set(e.getKey(), e.getValue());
            }
        }
    }

    static void set(ObjectNode tree, String key, String rawValue, String source) throws ConfigError {
        String[] parts = key.split("\\.");
        ObjectNode node = tree;
        for (int i = 0; i < parts.length - 1; i++) {
            if (parts[i].isEmpty()) {
                throw new ConfigError(key, source, "empty key segment");
            }
            JsonNode child = node.get(parts[i]);
            if (child == null || child.isNull()) {
                child = node.putObject(parts[i]);
            } else if (!child.isObject()) {
                throw new ConfigError(key, source, String.join(".", java.util.Arrays.copyOf(parts, i + 1))
                        + " is a value, not a section");
            }
            node = (ObjectNode) child;
        }
        node.set(parts[parts.length - 1], parseScalar(rawValue));
    }

    private static JsonNode parseScalar(String raw) {
        String v = raw.trim();
        if (v.isEmpty()) {
            return JsonNodeFactory.instance.textNode("");
        }
        try {
            JsonNode n = YAML.readTree(v);
            if (n != null && (n.isValueNode() || n.isContainerNode())) {
                return n;
            }
        } catch (IOException ignored) {
            // not YAML: keep it as text
        }
        return JsonNodeFactory.instance.textNode(raw);
    }

    /** Maps {@code SERVER_HTTP_PORT} to {@code server.http.port} by matching existing keys level by level. */
    static String resolveEnv(ObjectNode tree, String name) {
        List<String> out = new ArrayList<>();
        JsonNode node = tree;
        String rest = name;
        while (!rest.isEmpty()) {
            String match = null;
            if (node != null && node.isObject()) {
                for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
                    String k = it.next();
                    String norm = k.toUpperCase(Locale.ROOT).replace('-', '_').replace('.', '_');
                    if ((rest.equals(norm) || rest.startsWith(norm + "_"))
                            && (match == null || k.length() > match.length())) {
                        match = k;
                    }
                }
            }
            if (match == null) {
                out.add(rest.toLowerCase(Locale.ROOT).replace('_', '.'));
                break;
            }
            out.add(match);
            String norm = match.toUpperCase(Locale.ROOT).replace('-', '_').replace('.', '_');
            rest = rest.length() == norm.length() ? "" : rest.substring(norm.length() + 1);
            node = node.get(match);
        }
        return String.join(".", out);
    }
}
