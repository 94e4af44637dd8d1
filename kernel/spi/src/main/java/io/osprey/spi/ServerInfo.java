package io.osprey.spi;

import java.nio.file.Path;

/**
 * Facts about the running server a plugin may need.
 *
 * @param version       the kernel's version
 * @param httpPort      the port the HTTP connector is bound to (the actual one when configured as 0)
 * @param dataDir       {@code server.dataDir}: where recordings and other media files go, shared by plugins
 * @param osgi          whether plugins run as OSGi bundles (false: ServiceLoader mode)
 */
public record ServerInfo(String version, int httpPort, Path dataDir, boolean osgi) {
}
