package io.osprey.plugin.sources;

import io.osprey.media.amf0.Amf0Exception;
import io.osprey.media.flv.FlvFormatException;
import io.osprey.media.flv.FlvReader;
import io.osprey.media.flv.FlvTag;
import io.osprey.media.live.FlvToBus;
import io.osprey.spi.bus.MediaBus;
import io.osprey.spi.bus.PublishRequest;
import io.osprey.spi.bus.Publisher;
import io.osprey.spi.bus.StreamBusyException;
import io.osprey.spi.bus.StreamKey;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.util.function.Consumer;

/**
 * One worker run's stdout into the bus: FLV bytes through the shared {@link FlvReader} and {@link FlvToBus} into a
 * publisher of protocol {@code source}, opened at the first tag (so a worker that never sends media never makes a
 * stream). Not thread-safe: the owning {@link Source} calls it under its lock.
 */
final class BusFeed implements FlvReader.Listener {

    private static final System.Logger LOG = System.getLogger(BusFeed.class.getName());

    private final MediaBus bus;
    private final StreamKey key;
    private final Consumer<String> onEvict;
    private final FlvReader reader;
    private Publisher publisher;
    private FlvToBus bridge;
    private long frames;

    /**
     * @param onEvict told (from any thread) when the bus evicts the publisher: kicked, taken over, kernel stopping
     */
    BusFeed(MediaBus bus, StreamKey key, int maxTagBytes, Consumer<String> onEvict) {
        this.bus = bus;
        this.key = key;
        this.onEvict = onEvict;
        this.reader = new FlvReader(maxTagBytes, this);
    }

    /**
     * Parses {@code data} and publishes what it completes.
     *
     * @return media frames pushed so far
     * @throws FlvFormatException    the worker wrote something that is not FLV
     * @throws IllegalStateException the key is published by someone else
     */
    long feed(ByteBuffer data) throws FlvFormatException {
        reader.feed(data);
        return frames;
    }

    @Override
    public void onHeader(boolean audio, boolean video) {
    }

    @Override
    public void onTag(FlvTag tag) throws FlvFormatException {
        if (publisher == null) {
            try {
                publisher = bus.publish(key, new PublishRequest("source", null, false, onEvict));
            } catch (StreamBusyException e) {
                throw new IllegalStateException("the stream " + key + " is published by someone else");
            }
            bridge = new FlvToBus(publisher, m -> LOG.log(Level.WARNING, "source {0}: {1}", key, m));
        }
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

    /**
     * The run is over: the stream waits in the bus's reconnect grace for the next run ({@code lost}), or ends.
     * Idempotent.
     */
    void end(boolean lost, String why) {
        if (bridge != null) {
            bridge.close();
            bridge = null;
        }
        Publisher p = publisher;
        publisher = null;
        if (p != null) {
            if (lost) {
                p.disconnect(why);
            } else {
                p.close();
            }
        }
    }

    /** The bus let go of the publisher (evicted): nothing to close or disconnect any more. */
    void forget() {
        publisher = null;
    }
}
