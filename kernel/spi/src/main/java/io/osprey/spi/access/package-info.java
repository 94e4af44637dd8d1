/**
 * The access hook (may this client publish or play this stream) and the admission hook (may this
 * connection or request be admitted now). Every ingest and output asks both, so a protected stream is protected
 * on every protocol alike. Auth and rate-limit plugins implement the policies.
 */
@Export
@Version("1.1.0")
package io.osprey.spi.access;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
