package io.osprey.kernel.config;

import io.osprey.kernel.bus.BusSettings;
import io.osprey.spi.ConfigException;
import io.osprey.spi.PluginConfig;

/** The {@code bus} section. */
public final class BusConfig implements PluginConfig {

    public int ringMaxFrames = BusSettings.DEFAULT.ringMaxFrames();
    public long ringMaxBytes = BusSettings.DEFAULT.ringMaxBytes();
    public long retainMs = BusSettings.DEFAULT.retainMillis();
    public long reconnectGraceMs = BusSettings.DEFAULT.reconnectGraceMillis();

    @Override
    public void validate() {
        ConfigException.check(ringMaxFrames >= 64 && ringMaxFrames <= 1 << 20, "ringMaxFrames", "must be 64..1048576");
        ConfigException.check(ringMaxBytes >= 1 << 16, "ringMaxBytes", "must be at least 65536");
        ConfigException.check(retainMs >= 0, "retainMs", "must not be negative");
        ConfigException.check(reconnectGraceMs >= 0, "reconnectGraceMs", "must not be negative");
    }

    public BusSettings settings() {
        return new BusSettings(ringMaxFrames, ringMaxBytes, retainMs, reconnectGraceMs);
    }
}
