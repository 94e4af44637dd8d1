package io.osprey.media.amf0;

/**
 * An AMF0 date (marker 0x0B, AMF0 spec 2.13): milliseconds since the Unix epoch in UTC and a time zone that the
 * spec reserves ("not supported, should be set to 0x0000") but keeps on the wire.
 */
public record Amf0Date(double epochMillis, short timeZone) {

    public Amf0Date(double epochMillis) {
        this(epochMillis, (short) 0);
    }
}
