package io.osprey.kernel.plugin;

import java.time.Instant;

/**
 * A plugin as the admin API shows it.
 *
 * @param id      plugin id
 * @param version bundle version
 * @param state   lifecycle state
 * @param reason  why it failed (empty otherwise)
 * @param origin  classpath or bundle file
 * @param enabled whether the config enables it
 * @param since   when it entered this state
 * @param routes  HTTP routes it holds now
 */
public record PluginStatus(String id, String version, PluginState state, String reason, String origin,
                           boolean enabled, Instant since, int routes) {
}
