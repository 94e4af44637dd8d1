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

    Config(ObjectNode tree, Path file, Map<String, String> overrides, ServerConfig server, BusConfig bus,
           ClusterConfig cluster) {
        this.cluster = cluster;
        this.tree = tree;
        this.file = file;
        this.overrides = overrides;
        this.server = server;
        this.bus = bus;
    }

    /** Keys set by {@code OSPREY_*} variables and {@code --set}, with their source, in the order applied. */
    public Map<String, String> overrides() {
        return overrides;
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

    /** {@code plugins.<id>.enabled}; a plugin with no section is enabled. */
    public boolean pluginEnabled(String id) {
        JsonNode e = tree.path("plugins").path(id).path("enabled");
        return e.isMissingNode() || e.isNull() || e.asBoolean(true);
    }

    /** The plugin's section without {@code enabled}: what its config class binds. */
    public ObjectNode pluginSettings(String id) {
        JsonNode s = tree.path("plugins").path(id);
        ObjectNode copy = s.isObject() ? ((ObjectNode) s).deepCopy() : tree.objectNode();
        copy.remove("enabled");
        return copy;
    }

    /** Binds and validates {@code plugins.<id>} to {@code type} (null: the section may hold only {@code enabled}). */
    public Object bindPlugin(String id, Class<?> type) throws ConfigError {
        return ConfigBinder.bind(pluginSettings(id), type, "plugins." + id, file, overrides);
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
        return overrides.getOrDefault(key, file == null ? "(built-in defaults)" : file.toString());
    }
}
