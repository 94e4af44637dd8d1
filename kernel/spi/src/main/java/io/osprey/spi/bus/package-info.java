/**
 * The media bus. Publishers open a stream, declare tracks and push {@link io.osprey.spi.bus.Frame}s;
 * subscribers pull frames at their own pace from a bounded per-stream ring.
 *
 * <p><b>Buffer ownership.</b> Frame payloads are immutable bytes, shared by every subscriber: read-only buffers,
 * heap or direct (the FLV ingests keep media payloads off the heap), so a reader uses the buffer methods, never
 * {@code array()}, and must never write into a payload. Ingest payloads are pooled and reference-counted: every
 * frame {@link io.osprey.spi.bus.Subscription#poll polled} carries a reference of the poller's, to
 * {@link io.osprey.spi.bus.Frame#release release} once its bytes are written (or {@link io.osprey.spi.bus.Frame#retain
 * retain} to keep it longer); frames a plugin makes itself count nothing. The rules, with examples, are on
 * {@link io.osprey.spi.bus.Frame}. Derived encodings (FLV tag bytes, TS packets) are built once per frame with
 * {@link io.osprey.spi.bus.Frame#memo} and shared the same way.
 *
 * <p><b>Threads.</b> Frame callbacks ({@link io.osprey.spi.bus.SubscriptionListener}) run on bus threads or inline
 * on the publisher's thread; watchers ({@link io.osprey.spi.bus.StreamWatcher}) on the thread that starts or ends
 * the stream; providers ({@link io.osprey.spi.bus.StreamProvider}) on the thread of the viewer that demands the
 * stream. None may block.
 */
@Export
@Version("1.4.0")
package io.osprey.spi.bus;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
