package io.osprey.spi.bus;

/** No live stream has that key. */
public class StreamNotFoundException extends Exception {
    private static final long serialVersionUID = 1L;

    private final StreamKey key;

    public StreamNotFoundException(StreamKey key, String message) {
        super(message);
        this.key = key;
    }

    public StreamKey key() {
        return key;
    }
}
