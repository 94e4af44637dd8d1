package io.osprey.kernel.plugin;

import io.osprey.spi.Plugin;
import java.lang.System.Logger.Level;
import java.util.ServiceLoader;

/** ServiceLoader mode: plugins on the flat class path, declared in {@code META-INF/services}. */
public final class ClasspathPlugins {

    private static final System.Logger LOG = System.getLogger(ClasspathPlugins.class.getName());

    private ClasspathPlugins() {
    }

    /** Finds every plugin visible to {@code loader} and adds it to {@code manager}. */
    public static int discover(ClassLoader loader, PluginManager manager) {
        int n = 0;
        for (ServiceLoader.Provider<Plugin> p : ServiceLoader.load(Plugin.class, loader).stream().toList()) {
            try {
                Class<?> type = p.type();
                manager.add(PluginDescriptors.of(type, PluginDescriptors.versionOf(type), "classpath", -1));
                n++;
            } catch (RuntimeException | Error e) {
                LOG.log(Level.ERROR, "plugin " + p.type().getName() + " unusable: " + e.getMessage(), e);
            }
        }
        return n;
    }
}
