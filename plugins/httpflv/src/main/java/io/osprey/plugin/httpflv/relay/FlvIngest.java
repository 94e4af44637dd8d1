package io.osprey.plugin.httpflv.relay;

import io.osprey.media.amf0.Amf0Exception;
import io.osprey.media.flv.FlvFormatException;
import io.osprey.media.flv.FlvReader;
import io.osprey.media.flv.FlvTag;
import io.osprey.media.live.FlvToBus;
import io.osprey.spi.bus.Publisher;

/**
 * FLV tags (from {@link FlvReader}) into a bus {@link Publisher} through the shared {@link FlvToBus} bridge. A
 * malformed body fails the reader (the caller drops that connection). Not thread-safe.
 */
public final class FlvIngest implements FlvReader.Listener {

    private static final System.Logger LOG = System.getLogger(FlvIngest.class.getName());

    private final FlvToBus bridge;
    private long frames;

    public FlvIngest(Publisher publisher) {
        this.bridge = new FlvToBus(publisher, m -> LOG.log(System.Logger.Level.WARNING, "relay {0}: {1}",
                publisher.stream().key(), m));
    }

    /** The origin connection ended: lets go of the payload memory the bridge still writes into. */
    public void close() {
        bridge.close();
    }

    /** Media frames pushed so far. */
    public long frames() {
        return frames;
    }

    @Override
    public void onHeader(boolean audio, boolean video) {
    }

    @Override
    public void onTag(FlvTag tag) throws FlvFormatException {
        if (tag.type() == FlvTag.SCRIPT) {
            try {
                bridge.data(tag.timestamp(), tag.body());
            } catch (Amf0Exception e) {
                throw new FlvFormatException("bad script tag: " + e.getMessage());
            }
            return;
        }
        frames += bridge.media(tag.type(), tag.timestamp(), tag.body());
    }
}
