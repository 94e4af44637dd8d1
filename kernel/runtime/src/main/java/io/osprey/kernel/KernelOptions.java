package io.osprey.kernel;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * How to start a kernel.
 *
 * @param home        the server's home folder (relative config paths resolve against it)
 * @param configFile  the config file, or {@code null} for built-in defaults
 * @param sets        {@code key=value} overrides
 * @param env         environment ({@code OSPREY_*} overrides)
 * @param pluginLoader the class loader searched for plugins in ServiceLoader mode
 */
public record KernelOptions(Path home, Path configFile, List<String> sets, Map<String, String> env,
                            ClassLoader pluginLoader) {

    public KernelOptions {
        sets = List.copyOf(sets);
        env = Map.copyOf(env);
        pluginLoader = pluginLoader == null ? KernelOptions.class.getClassLoader() : pluginLoader;
    }

    /** Embedded use: built-in defaults plus {@code sets}, no environment, plugins from the class path. */
    public static KernelOptions embedded(Path home, String... sets) {
        return new KernelOptions(home, null, List.of(sets), Map.of(), null);
    }

    public KernelOptions withConfigFile(Path file) {
        return new KernelOptions(home, file, sets, env, pluginLoader);
    }
}
