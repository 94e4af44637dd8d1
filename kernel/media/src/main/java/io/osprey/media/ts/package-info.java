/**
 * MPEG-TS (ISO 13818-1) for HLS: {@link io.osprey.media.ts.TsMuxer} turns bus frames into transport packets
 * written in place into a {@link io.osprey.media.ts.TsBuffer}; {@link io.osprey.media.ts.TsSegmentWriter} builds
 * one segment; {@link io.osprey.media.ts.TsReader} verifies streams in tests. Not thread-safe: one muxer per
 * stream.
 */
@Export
@Version("1.0.0")
package io.osprey.media.ts;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
