package io.osprey.kernel.osgi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class SystemPackagesTest {

    @Test
    void kernelLibrariesAreExportedToBundlesWithTheirVersions() throws Exception {
        String extra = SystemPackages.compute(SystemPackagesTest.class.getClassLoader());
        // the SPI and media library plugins compile against
        assertTrue(extra.contains("io.osprey.spi.bus;version=\"1.4.0\""), extra);
        assertTrue(extra.contains("io.osprey.media.flv;version=\"1.2.0\""), extra);
        // Jetty for routes and connections, versioned so bnd's [12.1,13) imports resolve
        assertTrue(extra.contains("org.eclipse.jetty.server;version=\"12.1.12\""), extra);
        // FFmpeg and JavaCPP are shared from the kernel: no bundle loads its own natives
        assertTrue(extra.contains("org.bytedeco.ffmpeg.global;version=\"8.0.1.1_5_13\""), extra);
        assertTrue(extra.contains("org.bytedeco.ffmpeg.avformat;version="), extra);
        assertTrue(extra.contains("org.bytedeco.javacpp;version=\"1.5.13\""), extra);
        // the framework's own packages come from the system bundle itself, never twice
        assertFalse(extra.contains("org.osgi.framework;"), extra);
        // the cluster's Redis client is the kernel's own: plugins use io.osprey.spi.cluster instead
        assertFalse(extra.contains("redis.clients.jedis"), extra);
        assertFalse(extra.contains("org.apache.commons.pool2"), extra);
    }

    @Test
    void mavenVersionsBecomeOsgiVersions() {
        assertEquals("8.0.1.1_5_13", SystemPackages.osgiVersion("8.0.1-1.5.13"));
        assertEquals("2.0.0", SystemPackages.osgiVersion("2"));
        assertEquals("1.2.0.SNAPSHOT", SystemPackages.osgiVersion("1.2-SNAPSHOT"));
        assertEquals(null, SystemPackages.osgiVersion("dev"));
    }

    @Test
    void headersSplitOnCommasOutsideQuotes() {
        assertEquals(List.of("a;uses:=\"x,y\";version=\"1\"", "b"), SystemPackages.splitClauses("a;uses:=\"x,y\";version=\"1\",b"));
        assertEquals(List.of("a", "version=\"1\""), SystemPackages.splitParams("a;version=\"1\""));
    }
}
