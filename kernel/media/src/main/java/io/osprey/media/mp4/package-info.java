/**
 * ISO base media file format (ISO 14496-12): one class per box, fragmented MP4 init and fragment writers for HLS
 * fMP4 and recording, and {@link io.osprey.media.mp4.Mp4BoxReader}, a bounded box iterator over buffers and files.
 */
@Export
@Version("1.1.0")
package io.osprey.media.mp4;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
