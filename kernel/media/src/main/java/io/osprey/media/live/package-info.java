/**
 * Helpers shared by live outputs (HTTP-FLV, WebSocket-FLV, RTMP play): {@link io.osprey.media.live.WriteMerger},
 * write merging for many viewers on the plugin's own scheduler.
 */
@Export
@Version("1.0.0")
package io.osprey.media.live;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
