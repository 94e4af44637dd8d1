/**
 * Off-heap byte storage shared by the media paths: {@link io.osprey.media.buffer.DirectLog} appends bytes that are
 * written once and read by many (frame payloads, per-stream encodings) into large read-only direct segments;
 * {@link io.osprey.media.buffer.DirectPool} takes direct buffers back for reuse once nobody reads them, and
 * {@link io.osprey.media.buffer.SegmentMemory} counts who still reads pooled buffers (frames, responses, windows).
 * {@link io.osprey.media.buffer.DirectPool#trim} gives idle pooled memory back to the OS after load.
 * Part of the library's live runtime ({@link io.osprey.media see its two layers}): {@code DirectPool.shared()} is
 * JVM-wide state. Thread-safe.
 */
@Export
@Version("1.3.0")
package io.osprey.media.buffer;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
