package io.osprey.kernel.plugin;

/** Where a plugin is in its lifecycle, as {@code GET /api/plugins} reports it. */
public enum PluginState {
    /** Known but not running: disabled in config or stopped through the API. */
    STOPPED,
    STARTING,
    ACTIVE,
    STOPPING,
    /** Threw in start, stop or a callback, or reported a failure; see the reason. */
    FAILED;

    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
