/**
 * The shared media library, in two layers that plugins may both use (they compile against kernel/spi and
 * kernel/media only):
 *
 * <ul>
 * <li><b>Formats</b>, pure Java with no I/O, no threads, no bus and no JVM-wide state of their own:
 * {@code amf0}, {@code codec} (AVC/HEVC/AAC config records and bitstream helpers), {@code flv} (tag reader and
 * writer, tag bodies to and from frames), {@code mp4} (ISO BMFF boxes, fMP4 writers), {@code ts} (MPEG-TS muxer,
 * reader and segment writer) and {@code json}. Their classes parse untrusted bytes into records or write records
 * into buffers the caller gives (a {@code ts} segment writer may be given pooled memory from {@code buffer}).</li>
 * <li><b>Live runtime</b>, the shared pieces of a running server: {@code buffer} (off-heap logs and the JVM-wide
 * {@link io.osprey.media.buffer.DirectPool#shared() pool} frames and segments are built in) and {@code live}
 * ({@link io.osprey.media.live.FlvToBus}, FLV bodies pushed into a bus publisher, and
 * {@link io.osprey.media.live.WriteMerger}, write merging for many viewers on a plugin's scheduler).</li>
 * </ul>
 *
 * <p>Both layers stay in this one module, with their package names, so that no plugin's imports change;
 * {@code MediaBoundaryTest} checks that no format package uses the live runtime, the bus's publishing side,
 * threads, schedulers or I/O. Formats may use the bus's value types ({@code Frame}, {@code TrackInfo},
 * {@code Codec}): they are the records the formats are read into.
 */
package io.osprey.media;
