/**
 * Codec configuration records and bitstream helpers: H.264/H.265 SPS and NAL units (ISO 14496-10, ISO 23008-2),
 * avcC/hvcC (ISO 14496-15), AudioSpecificConfig and ADTS (ISO 14496-3), MPEG audio headers. Parsers are bounds-
 * checked and report malformed input only as {@link io.osprey.media.codec.CodecException}.
 */
@Export
@Version("1.0.0")
package io.osprey.media.codec;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
