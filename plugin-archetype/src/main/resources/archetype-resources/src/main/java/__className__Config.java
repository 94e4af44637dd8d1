package ${package};

import io.osprey.spi.ConfigException;
import io.osprey.spi.PluginConfig;

/**
 * {@code plugins.${pluginId}} in {@code conf/osprey.yaml}. Public fields with defaults; unknown keys are refused by
 * the server, and {@link #validate} runs before the plugin sees the values. Example:
 * <pre>
 * plugins:
 *   ${pluginId}:
 *     maxStreams: 50
 *     pretty: true
 * </pre>
 */
public final class ${className}Config implements PluginConfig {

    /** At most this many streams are counted at once (1..100000); streams beyond it are logged and left alone. */
    public int maxStreams = 1000;
    /** Indent the JSON of {@code /${pluginId}/streams}. */
    public boolean pretty = false;

    @Override
    public void validate() {
        ConfigException.check(maxStreams >= 1 && maxStreams <= 100_000, "maxStreams",
                "must be 1..100000, was " + maxStreams);
    }
}
