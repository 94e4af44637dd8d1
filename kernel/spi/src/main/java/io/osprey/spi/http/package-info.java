/**
 * HTTP routes and WebSocket endpoints on the kernel's one Jetty server (Jetty 12 core API, no servlets).
 */
@Export
@Version("1.3.0")
package io.osprey.spi.http;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
