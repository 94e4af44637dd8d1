/**
 * The recordings registry: every plugin that writes files a user keeps (fmp4-recorder's sessions, httpflv's FLV
 * files, the HLS disk mirror) registers a {@link io.osprey.spi.recording.Recorder} for its root folder, and the
 * kernel keeps the union. {@code GET /api/recordings} lists it, and the cleanup plugin asks it what may be removed
 * instead of guessing from paths: a file under a registered root that no session claims is an orphan, a file of an
 * {@linkplain io.osprey.spi.recording.RecordedSession#open() open} session is never touched.
 */
@Export
@Version("1.1.0")
package io.osprey.spi.recording;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
