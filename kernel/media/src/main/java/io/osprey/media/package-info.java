/**
 * The shared media-formats library: pure Java, no I/O, no threads. Sub-packages: {@code amf0}, {@code flv},
 * {@code codec} (AVC/HEVC/AAC config records and bitstream helpers), {@code ts} (MPEG-TS), {@code mp4} (ISO BMFF).
 */
package io.osprey.media;
