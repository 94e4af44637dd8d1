package io.osprey.kernel.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The {@code OSPREY_PLUGINS_*} variables, resolved when a plugin's section is read rather than when the file is:
 * the plugin id is the longest known id (installed, in the file or in the defaults) whose upper-case form, with
 * {@code -} read as {@code _}, starts the name; the rest is matched against the keys of the plugin's config class
 * ({@link ConfigSchema}), then against the keys present in its section, and is lower-cased with {@code _} read
 * as {@code .} when nothing matches (the binder then names it as an unknown key). So
 * {@code OSPREY_PLUGINS_HTTPFLV_STALLMS} is {@code plugins.httpflv.stallMs} and
 * {@code OSPREY_PLUGINS_FMP4_RECORDER_ENABLED} is {@code plugins.fmp4-recorder.enabled}, with or without a file.
 * Immutable; thread-safe.
 */
final class PluginEnv {

    static final String PREFIX = "OSPREY_PLUGINS_";

    /** Name after {@link #PREFIX} to raw value, in name order. */
    private final Map<String, String> vars;
    private final PluginTypes types;

    PluginEnv(Map<String, String> vars, PluginTypes types) {
        this.vars = new TreeMap<>(vars);
        this.types = types;
    }

    /** One variable for a plugin: the key relative to its section, the variable's name and its raw value. */
    record Var(String key, String name, String value) {
    }

    /** The variables of plugin {@code id}, keys resolved against {@code section} and the plugin's config class. */
    List<Var> of(String id, ObjectNode tree) {
        List<Var> out = new ArrayList<>();
        if (vars.isEmpty()) {
            return out;
        }
        Set<String> known = knownIds(tree);
        for (Map.Entry<String, String> e : vars.entrySet()) {
            if (!id.equals(owner(e.getKey(), known))) {
                continue;
            }
            String rest = e.getKey().substring(norm(id).length() + 1);
            out.add(new Var(key(id, rest, tree.path("plugins").path(id)), PREFIX + e.getKey(), e.getValue()));
        }
        return out;
    }

    /** Every variable that names a known plugin: full key ({@code plugins.<id>.<key>}) to source. */
    Map<String, String> allSources(ObjectNode tree) {
        Map<String, String> m = new LinkedHashMap<>();
        if (vars.isEmpty()) {
            return m;
        }
        for (String id : knownIds(tree)) {
            m.putAll(sources(of(id, tree), "plugins." + id + "."));
        }
        return m;
    }

    /** Variables that name no known plugin, by full name. */
    List<String> unclaimed(ObjectNode tree) {
        Set<String> known = knownIds(tree);
        List<String> out = new ArrayList<>();
        for (String name : vars.keySet()) {
            if (owner(name, known) == null) {
                out.add(PREFIX + name);
            }
        }
        return out;
    }

    private Set<String> knownIds(ObjectNode tree) {
        Set<String> ids = new TreeSet<>(types.ids());
        tree.path("plugins").fieldNames().forEachRemaining(ids::add);
        ids.addAll(ConfigLoader.defaultPluginIds());
        return ids;
    }

    private static String owner(String name, Set<String> ids) {
        String best = null;
        for (String id : ids) {
            String n = norm(id);
            if (name.startsWith(n + "_") && (best == null || n.length() > norm(best).length())) {
                best = id;
            }
        }
        return best;
    }

    private String key(String id, String rest, JsonNode section) {
        if (rest.equals("ENABLED")) {
            return "enabled";
        }
        for (ConfigSchema.Key k : ConfigSchema.keys(types.configType(id))) {
            if (norm(k.key()).equals(rest)) {
                return k.key();
            }
        }
        if (section.isObject()) {
            return ConfigLoader.resolveEnv((ObjectNode) section, rest);
        }
        return rest.toLowerCase(Locale.ROOT).replace('_', '.');
    }

    static String norm(String key) {
        return key.toUpperCase(Locale.ROOT).replace('-', '_').replace('.', '_');
    }

    /** Key (relative to the section) to the source, for error messages. */
    static Map<String, String> sources(List<Var> vars, String prefix) {
        Map<String, String> m = new LinkedHashMap<>();
        for (Var v : vars) {
            m.put(prefix + v.key(), "environment variable " + v.name());
        }
        return m;
    }
}
