/**
 * AMF0 (Adobe "Action Message Format -- AMF 0", 2007): the value encoding of RTMP commands and FLV script data.
 *
 * <p>{@link io.osprey.media.amf0.Amf0Reader} decodes untrusted bytes under {@link io.osprey.media.amf0.Amf0Limits}
 * and fails with {@link io.osprey.media.amf0.Amf0Exception}, never with a runtime error; it never follows
 * references and never parses XML. {@link io.osprey.media.amf0.Amf0Writer} encodes plain Java values.
 * Value mapping: number - {@link java.lang.Double}, boolean - {@link java.lang.Boolean}, string and long string -
 * {@link java.lang.String}, object and typed object - {@link io.osprey.media.amf0.Amf0Object}, ECMA array -
 * {@link io.osprey.media.amf0.Amf0EcmaArray}, strict array - {@link java.util.List}, null - {@code null},
 * undefined - {@link io.osprey.media.amf0.Amf0#UNDEFINED}, date - {@link io.osprey.media.amf0.Amf0Date}.
 */
@Export
@Version("1.0.0")
package io.osprey.media.amf0;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
