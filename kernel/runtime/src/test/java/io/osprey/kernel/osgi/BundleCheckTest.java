package io.osprey.kernel.osgi;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.Test;

/** One line per problem, naming what the jar lacks and how the archetype makes it. */
class BundleCheckTest {

    @Test
    void aPlainJarWithAPluginServiceIsToldItLacksTheOsgiManifest() throws IOException {
        String p = BundleCheck.problem(jar(null, true));
        assertTrue(p.startsWith("a plain jar, not an OSGi bundle: its manifest has no Bundle-SymbolicName"), p);
        assertTrue(p.contains("osprey-plugin-archetype") && p.contains("bnd-maven-plugin"), p);
        assertTrue(!p.contains("\n"), "one line");
    }

    @Test
    void aBundleWithoutThePluginServiceIsToldWhichFileIsMissing() throws IOException {
        String p = BundleCheck.problem(jar("hello", false));
        assertTrue(p.contains("META-INF/services/io.osprey.spi.Plugin is missing"), p);
    }

    @Test
    void aBundleWithThePluginServicePasses() throws IOException {
        assertNull(BundleCheck.problem(jar("hello", true)));
    }

    @Test
    void bytesThatAreNoJarAreRefused() {
        String p = BundleCheck.problem("not a zip at all".getBytes(StandardCharsets.UTF_8));
        assertTrue(p.startsWith("not a jar"), p);
    }

    private static byte[] jar(String symbolicName, boolean services) throws IOException {
        Manifest m = new Manifest();
        m.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        if (symbolicName != null) {
            m.getMainAttributes().putValue("Bundle-SymbolicName", symbolicName);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JarOutputStream j = new JarOutputStream(out, m)) {
            j.putNextEntry(new JarEntry("com/example/Hello.class"));
            j.write(new byte[] {(byte) 0xCA, (byte) 0xFE});
            if (services) {
                j.putNextEntry(new JarEntry(BundleCheck.SERVICES));
                j.write("com.example.Hello\n".getBytes(StandardCharsets.UTF_8));
            }
        }
        return out.toByteArray();
    }
}
