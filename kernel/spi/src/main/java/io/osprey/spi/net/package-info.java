/**
 * Raw TCP (and TLS) listeners on the kernel's Jetty server, for protocols such as RTMP.
 * {@link io.osprey.spi.net.RefusalLog} logs refused clients, rate-limited per client and rule.
 */
@Export
@Version("1.1.0")
package io.osprey.spi.net;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
