/**
 * Osprey plugin SPI: the {@link io.osprey.spi.Plugin} lifecycle and the {@link io.osprey.spi.PluginContext}
 * through which a plugin reaches everything the kernel offers. Everything registered through a context is
 * released by the kernel when the plugin stops, so a plugin cannot leak routes, listeners, threads or metrics
 * across a hot swap. A plugin compiles against this SPI and the media-formats library only.
 */
@Export
@Version("1.3.0")
package io.osprey.spi;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
