package io.osprey.spi.bus;

/** Another publisher holds the stream key. */
public class StreamBusyException extends Exception {
    private static final long serialVersionUID = 1L;

    private final StreamKey key;

    public StreamBusyException(StreamKey key, String message) {
        super(message);
        this.key = key;
    }

    public StreamKey key() {
        return key;
    }
}
