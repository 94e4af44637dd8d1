/**
 * The shared media-formats library: pure Java, no I/O, no threads. Sub-packages: {@code amf0}, {@code flv},
 * {@code codec} (AVC/HEVC/AAC config records and bitstream helpers), {@code ts} (MPEG-TS), {@code mp4} (ISO BMFF),
 * {@code live} (write merging for live outputs, on a plugin's scheduler).
 */
package io.osprey.media;
