/**
 * Metrics a plugin exposes on {@code /metrics}. Everything created here is unregistered when the plugin stops.
 */
@Export
@Version("1.0.0")
package io.osprey.spi.metrics;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
