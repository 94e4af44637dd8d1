/**
 * Source resolvers: turn a URL a user gave (a page, a playlist, a media file) into the media URL(s) a worker reads,
 * with the request headers the source needs. Any plugin may provide one; the pass-through muxer (and later pulled
 * sources) asks them by name. Resolved URLs are untrusted: the plugin that fetches them applies its own outbound
 * checks (scheme, address, redirects) to whatever a resolver returns.
 */
@Export
@Version("1.0.0")
package io.osprey.spi.source;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
