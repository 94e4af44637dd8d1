package io.osprey.spi.access;

/** What a client asks to do with a stream. */
public enum Action {
    PUBLISH, PLAY
}
