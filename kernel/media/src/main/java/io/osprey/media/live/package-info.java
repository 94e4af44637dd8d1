/**
 * The live runtime shared by ingests and outputs (see {@link io.osprey.media the library's two layers}): what
 * touches the bus, pooled memory or a scheduler. {@link io.osprey.media.live.FlvToBus} pushes FLV tag bodies (RTMP
 * messages, HTTP-FLV pushes and pulls) into a bus publisher, their payloads copied once into pooled off-heap
 * memory; {@link io.osprey.media.live.WriteMerger} merges writes for many viewers on the plugin's own scheduler.
 */
@Export
@Version("1.1.0")
package io.osprey.media.live;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
