/**
 * MPEG-TS (ISO 13818-1) for HLS: {@link io.osprey.media.ts.TsMuxer} turns bus frames into transport packets
 * written in place into a {@link io.osprey.media.ts.TsBuffer}; {@link io.osprey.media.ts.TsSegmentWriter} builds
 * one segment in pooled direct memory ({@link io.osprey.media.buffer.SegmentMemory}, reference-counted, handed out as
 * {@link io.osprey.media.ts.SharedBytes}); {@link io.osprey.media.ts.TsReader} verifies streams in tests.
 * Not thread-safe: one muxer per stream; segment memory's references may be released on any thread.
 */
@Export
@Version("2.2.0")
package io.osprey.media.ts;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
