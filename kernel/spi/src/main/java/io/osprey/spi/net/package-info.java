/**
 * Raw TCP (and TLS) listeners on the kernel's Jetty server, for protocols such as RTMP.
 */
@Export
@Version("1.0.0")
package io.osprey.spi.net;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
