/**
 * JSON (RFC 8259) for plugins that answer or read it without a library of their own: {@link io.osprey.media.json.Json}
 * parses with bounded nesting and writes compact or indented text. Pure Java, no I/O.
 */
@Export
@Version("1.0.0")
package io.osprey.media.json;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
