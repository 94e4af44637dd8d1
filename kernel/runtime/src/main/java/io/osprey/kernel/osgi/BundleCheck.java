package io.osprey.kernel.osgi;

import io.osprey.spi.Plugin;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarInputStream;
import java.util.jar.Manifest;

/**
 * What a plugin jar must have before the embedded Felix is given it: a manifest with {@code Bundle-SymbolicName}
 * (OSGi R8 core, 3.2.1.2: without it the jar is an R3 bundle that imports nothing, whose plugin then fails with a
 * {@code NoClassDefFoundError} on the first SPI type) and {@code META-INF/services/io.osprey.spi.Plugin}. Each
 * problem is one line saying what is missing and how the plugin archetype produces it.
 */
final class BundleCheck {

    static final String SERVICES = "META-INF/services/" + Plugin.class.getName();
    private static final String HOW = "build it from io.osprey:osprey-plugin-archetype, whose bnd-maven-plugin writes"
            + " the OSGi manifest (docs/writing-a-plugin.md)";

    private BundleCheck() {
    }

    /** The problem with {@code jar} as a plugin bundle, or {@code null} if it is one. */
    static String problem(byte[] jar) {
        Manifest manifest;
        boolean services = false;
        boolean entries = false;
        try (JarInputStream in = new JarInputStream(new ByteArrayInputStream(jar))) {
            manifest = in.getManifest();
            JarEntry e;
            while ((e = in.getNextJarEntry()) != null) {
                entries = true;
                services |= e.getName().equals(SERVICES);
            }
        } catch (IOException | RuntimeException e) {
            return "not a jar (" + e.getMessage() + ")";
        }
        if (manifest == null && !entries) {
            return "not a jar (no entries)";
        }
        if (!services) {
            return "declares no plugin: " + SERVICES + " is missing (it names the class implementing "
                    + Plugin.class.getName() + ")";
        }
        Attributes main = manifest == null ? null : manifest.getMainAttributes();
        if (main == null || main.getValue("Bundle-SymbolicName") == null) {
            return "a plain jar, not an OSGi bundle: its manifest has no Bundle-SymbolicName (and so no"
                    + " Import-Package for the SPI); " + HOW;
        }
        return null;
    }
}
