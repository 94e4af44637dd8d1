package io.osprey.kernel.bus;

/**
 * Bus limits (config section {@code bus}).
 *
 * @param ringMaxFrames     frames kept per stream at most
 * @param ringMaxBytes      payload bytes kept per stream at most (a key-frame-less publisher cannot grow memory)
 * @param retainMillis      stream time kept behind the newest frame (beyond the current GOP)
 * @param reconnectGraceMillis how long a stream whose publisher dropped waits for it to come back
 */
public record BusSettings(int ringMaxFrames, long ringMaxBytes, long retainMillis, long reconnectGraceMillis) {

    public static final BusSettings DEFAULT = new BusSettings(4096, 32L << 20, 5_000, 5_000);
}
