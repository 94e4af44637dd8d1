/**
 * The RTMP chunk stream layer (Adobe RTMP specification 1.0, 2012, section 5): the server side of the handshake
 * (5.2, plus the Flash digest variant), the chunk decoder and encoder (5.3), protocol control messages (5.4, 7.1.7)
 * and aggregate messages (7.1.6).
 *
 * <p>Everything here is single-threaded per connection: one {@link io.osprey.plugin.rtmp.protocol.Handshake},
 * {@link io.osprey.plugin.rtmp.protocol.ChunkDecoder} and {@link io.osprey.plugin.rtmp.protocol.ChunkEncoder} per
 * connection, driven from that connection's fill/flush callbacks. Malformed input surfaces as
 * {@link io.osprey.plugin.rtmp.protocol.RtmpProtocolException}, whose message is safe to log; the connection is then
 * closed and its decoder discarded.
 */
package io.osprey.plugin.rtmp.protocol;
