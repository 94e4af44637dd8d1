package io.osprey.kernel.config;

import java.util.Set;

/**
 * What the kernel knows of the installed plugins when a config is read: their ids and typed config classes. An
 * {@code OSPREY_PLUGINS_<ID>_<KEY>} variable is resolved against these (see {@link PluginEnv}), so it reaches every
 * key a plugin's config class declares, whether or not the file or the built-in defaults mention it. Plugins are
 * discovered after the config is first read, so the kernel's implementation is live: it answers for the plugins
 * known at the moment of the call. Implementations are thread-safe.
 */
public interface PluginTypes {

    /** No plugins known: variables resolve against the ids and keys in the tree only. */
    PluginTypes NONE = new PluginTypes() {
        @Override
        public Set<String> ids() {
            return Set.of();
        }

        @Override
        public Class<?> configType(String id) {
            return null;
        }
    };

    /** Ids of the installed plugins. */
    Set<String> ids();

    /** The config class of plugin {@code id}, or {@code null} (not installed, or no settings). */
    Class<?> configType(String id);
}
