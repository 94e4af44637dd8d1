package io.osprey.kernel.plugin;

import io.osprey.spi.Plugin;
import java.util.function.Supplier;

/**
 * A plugin the kernel can start: where it came from and how to make a fresh instance.
 *
 * @param id         {@link Plugin#id()}
 * @param version    the bundle's version (or the jar's {@code Bundle-Version} in ServiceLoader mode)
 * @param className  the implementation class
 * @param origin     a human-readable origin: {@code classpath} or the bundle file
 * @param configType {@link Plugin#configType()}
 * @param factory    makes a new instance for each start
 * @param bundleId   the OSGi bundle id, or -1 in ServiceLoader mode
 */
public record PluginDescriptor(String id, String version, String className, String origin, Class<?> configType,
                               Supplier<Plugin> factory, long bundleId) {

    /** Plugin ids: lower-case letters, digits and dashes, starting with a letter. */
    public static boolean isValidId(String id) {
        return id != null && id.matches("[a-z][a-z0-9-]{0,62}");
    }
}
