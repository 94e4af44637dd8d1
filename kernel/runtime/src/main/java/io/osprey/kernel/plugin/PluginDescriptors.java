package io.osprey.kernel.plugin;

import io.osprey.spi.Plugin;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Constructor;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.function.Supplier;

/** Makes {@link PluginDescriptor}s from plugin classes, found by ServiceLoader or in a bundle. */
public final class PluginDescriptors {

    private PluginDescriptors() {
    }

    /**
     * Instantiates {@code type} once to learn its id and config type.
     *
     * @throws IllegalArgumentException if the class is not a usable plugin (the message says why)
     */
    public static PluginDescriptor of(Class<?> type, String version, String origin, long bundleId) {
        if (!Plugin.class.isAssignableFrom(type)) {
            throw new IllegalArgumentException(type.getName() + " does not implement " + Plugin.class.getName());
        }
        Constructor<?> ctor;
        try {
            ctor = type.getConstructor();
        } catch (NoSuchMethodException e) {
            throw new IllegalArgumentException(type.getName() + " has no public no-argument constructor");
        }
        Supplier<Plugin> factory = () -> {
            try {
                return (Plugin) ctor.newInstance();
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("cannot instantiate " + type.getName() + ": " + e.getCause(), e);
            }
        };
        Plugin probe = factory.get();
        String id = probe.id();
        if (!PluginDescriptor.isValidId(id)) {
            throw new IllegalArgumentException(type.getName() + " has an invalid id '" + id
                    + "' (lower-case letters, digits, dashes)");
        }
        return new PluginDescriptor(id, version, type.getName(), origin, probe.configType(), factory, bundleId);
    }

    /** The {@code Bundle-Version} (or {@code Implementation-Version}) of the jar or folder {@code type} came from. */
    public static String versionOf(Class<?> type) {
        try {
            CodeSource cs = type.getProtectionDomain().getCodeSource();
            if (cs == null || cs.getLocation() == null) {
                return "unknown";
            }
            URL loc = cs.getLocation();
            Path p = Path.of(loc.toURI());
            Manifest m;
            if (Files.isDirectory(p)) {
                Path mf = p.resolve("META-INF/MANIFEST.MF");
                if (!Files.exists(mf)) {
                    return "unknown";
                }
                try (InputStream in = Files.newInputStream(mf)) {
                    m = new Manifest(in);
                }
            } else {
                try (JarFile jar = new JarFile(p.toFile())) {
                    m = jar.getManifest();
                }
            }
            if (m == null) {
                return "unknown";
            }
            String v = m.getMainAttributes().getValue("Bundle-Version");
            if (v == null) {
                v = m.getMainAttributes().getValue("Implementation-Version");
            }
            return v == null ? "unknown" : v;
        } catch (IOException | java.net.URISyntaxException | RuntimeException e) {
            return "unknown";
        }
    }
}
