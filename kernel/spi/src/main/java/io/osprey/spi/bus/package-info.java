/**
 * The media bus. Publishers open a stream, declare tracks and push {@link io.osprey.spi.bus.Frame}s;
 * subscribers pull frames at their own pace from a bounded per-stream ring.
 *
 * <p><b>Buffer ownership.</b> Frame payloads are immutable bytes, shared by every subscriber: read-only buffers,
 * heap or direct (the FLV ingests keep media payloads off the heap), so a reader uses the buffer methods, never
 * {@code array()}. Nothing is pooled, so there is nothing to release: a plugin may keep a frame as long as it
 * likes, and must never write into a payload. Derived encodings (FLV tag bytes, TS packets) are built once per frame with
 * {@link io.osprey.spi.bus.Frame#memo} and shared the same way.
 */
@Export
@Version("1.3.0")
package io.osprey.spi.bus;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
