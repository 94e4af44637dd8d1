package io.osprey.kernel.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

/**
 * A loaded, validated configuration: the merged tree (defaults, file, environment, {@code --set}), the typed
 * kernel sections, and the raw plugin sections, which are bound when the plugin's config class is known.
 */
public final class Config {

    private final ObjectNode tree;
    private final Path file;
    private final Map<String, String> overrides;
    private final ServerConfig server;
    private final BusConfig bus;
    private final ClusterConfig cluster;
    private final PluginEnv pluginEnv;

    Config(ObjectNode tree, Path file, Map<String, String> overrides, ServerConfig server, BusConfig bus,
           ClusterConfig cluster, PluginEnv pluginEnv) {
        this.pluginEnv = pluginEnv;
        this.cluster = cluster;
        this.tree = tree;
        this.file = file;
        this.overrides = overrides;
        this.server = server;
        this.bus = bus;
    }

    /** Keys set by {@code OSPREY_*} variables and {@code --set}, with their source, in the order applied. */
    public Map<String, String> overrides() {
        Map<String, String> plugins = pluginEnv.allSources(tree);
        if (plugins.isEmpty()) {
            return overrides;
        }
        Map<String, String> all = new java.util.LinkedHashMap<>(overrides);
        all.putAll(plugins); // OSPREY_PLUGINS_* resolved against the plugins known now (see PluginEnv)
        return all;
    }

    public ServerConfig server() {
        return server;
    }

    public BusConfig bus() {
        return bus;
    }

    /** The {@code cluster} section (read at start-up). */
    public ClusterConfig cluster() {
        return cluster;
    }

    /** The config file, or {@code null} when running on built-in defaults. */
    public Path file() {
        return file;
    }

    public ObjectNode tree() {
        return tree;
    }

    /** Plugin ids that have a section. */
    public Set<String> pluginIds() {
        JsonNode p = tree.path("plugins");
        java.util.TreeSet<String> ids = new java.util.TreeSet<>();
        p.fieldNames().forEachRemaining(ids::add);
        return ids;
    }

    /**
     * {@code plugins.<id>.enabled} (or {@code OSPREY_PLUGINS_<ID>_ENABLED}); a plugin with no section is enabled.
     */
    public boolean pluginEnabled(String id) {
        for (PluginEnv.Var v : pluginEnv.of(id, tree)) {
            if (v.key().equals("enabled")) {
                return !v.value().trim().equalsIgnoreCase("false");
            }
        }
        JsonNode e = tree.path("plugins").path(id).path("enabled");
        return e.isMissingNode() || e.isNull() || e.asBoolean(true);
    }

    /**
     * The plugin's section without {@code enabled}: what its config class binds, with the plugin's
     * {@code OSPREY_PLUGINS_*} variables applied (resolved against the plugin's config class, see {@link PluginEnv}).
     */
    public ObjectNode pluginSettings(String id) {
        JsonNode s = tree.path("plugins").path(id);
        ObjectNode copy = s.isObject() ? ((ObjectNode) s).deepCopy() : tree.objectNode();
        for (PluginEnv.Var v : pluginEnv.of(id, tree)) {
            try {
                ConfigLoader.set(copy, v.key(), v.value(), "environment variable " + v.name());
            } catch (ConfigError e) {
                // reported by checkPluginEnv, which validation runs before this section is used
            }
        }
        copy.remove("enabled");
        return copy;
    }

    /** Binds and validates {@code plugins.<id>} to {@code type} (null: the section may hold only {@code enabled}). */
    public Object bindPlugin(String id, Class<?> type) throws ConfigError {
        return ConfigBinder.bind(pluginSettings(id), type, "plugins." + id, file, pluginOverrides(id));
    }

    /**
     * Every override ({@code --set}, environment) with its source, including the plugin variables resolved for
     * plugin {@code id}: keys are full ({@code plugins.hls.segmentMs}).
     */
    public Map<String, String> pluginOverrides(String id) {
        Map<String, String> all = new java.util.LinkedHashMap<>(overrides);
        all.putAll(PluginEnv.sources(pluginEnv.of(id, tree), "plugins." + id + "."));
        return all;
    }

    /**
     * Checks the {@code OSPREY_PLUGINS_*} variables: each must name a known plugin ({@code installed}, or one with a
     * section), an {@code _ENABLED} one must be true or false, and each must fit the section's shape.
     */
    public void checkPluginEnv(java.util.Collection<String> installed) throws ConfigError {
        for (String name : pluginEnv.unclaimed(tree)) {
            throw new ConfigError(name, "environment variable " + name, "names no plugin; installed: "
                    + String.join(", ", installed));
        }
        for (String id : new java.util.TreeSet<>(installed)) {
            for (PluginEnv.Var v : pluginEnv.of(id, tree)) {
                String key = "plugins." + id + "." + v.key();
                if (v.key().equals("enabled") && !v.value().trim().equalsIgnoreCase("true")
                        && !v.value().trim().equalsIgnoreCase("false")) {
                    throw new ConfigError(key, "environment variable " + v.name(), "expected true or false, was '"
                            + v.value() + "'");
                }
                JsonNode s = tree.path("plugins").path(id);
                ObjectNode scratch = s.isObject() ? ((ObjectNode) s).deepCopy() : tree.objectNode();
                ConfigLoader.set(scratch, v.key(), v.value(), "environment variable " + v.name());
            }
        }
    }

    /** Whether the built-in defaults have a section for plugin {@code id} (it may be absent from the install). */
    public boolean pluginInDefaults(String id) {
        return ConfigLoader.defaultPluginIds().contains(id);
    }

    /** A rejection of {@code key} naming where its value came from (the file or the override). */
    public ConfigError error(String key, String reason) {
        return new ConfigError(key, sourceOf(key), reason);
    }

    /** Where a key's value came from, for error messages. */
    public String sourceOf(String key) {
        return overrides().getOrDefault(key, file == null ? "(built-in defaults)" : file.toString());
    }
}
