package io.osprey.media.flv;

import io.osprey.media.amf0.Amf0Exception;
import io.osprey.spi.bus.Publisher;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Moved to {@link io.osprey.media.live.FlvToBus}: the bridge into the bus is live runtime, not the FLV format. This
 * alias forwards every call to it so that code compiled against the old name keeps working; use the new one.
 */
@Deprecated(since = "flv 1.2.0", forRemoval = true)
public final class FlvToBus {

    private final io.osprey.media.live.FlvToBus bridge;

    public FlvToBus(Publisher publisher, Consumer<String> warn) {
        this.bridge = new io.osprey.media.live.FlvToBus(publisher, warn);
    }

    /** See {@link io.osprey.media.live.FlvToBus#media}. */
    public int media(int type, long timestamp32, ByteBuffer body) throws FlvFormatException {
        return bridge.media(type, timestamp32, body);
    }

    /** See {@link io.osprey.media.live.FlvToBus#data}. */
    public void data(long timestamp32, ByteBuffer body) throws Amf0Exception {
        bridge.data(timestamp32, body);
    }

    /** See {@link io.osprey.media.live.FlvToBus#close}. */
    public void close() {
        bridge.close();
    }

    /** See {@link io.osprey.media.live.FlvToBus#metadata}. */
    public Map<String, Object> metadata() {
        return bridge.metadata();
    }
}
