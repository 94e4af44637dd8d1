/**
 * FLV (Adobe "Video File Format Specification" v10.1, annex E) and Enhanced RTMP v1/v2 (veovera) tag bodies.
 *
 * <p>{@link io.osprey.media.flv.FlvReader} splits an FLV byte stream arriving in arbitrary pieces into
 * {@link io.osprey.media.flv.FlvTag}s; {@link io.osprey.media.flv.FlvTagWriter} and
 * {@link io.osprey.media.flv.FlvHeader} write them. {@link io.osprey.media.flv.FlvMedia} maps audio and video tag
 * bodies (which are also the payloads of RTMP message types 8 and 9) to and from bus frames. Everything here reads
 * untrusted input and fails with {@link io.osprey.media.flv.FlvFormatException}, never with a runtime error.
 * Pure format code: pushing FLV bodies into the bus is {@link io.osprey.media.live.FlvToBus}'s (the deprecated
 * {@code FlvToBus} here forwards to it).
 */
@Export
@Version("1.2.0")
package io.osprey.media.flv;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
