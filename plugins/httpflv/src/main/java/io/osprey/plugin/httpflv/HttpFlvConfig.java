package io.osprey.plugin.httpflv;

import io.osprey.spi.ConfigException;
import io.osprey.spi.PluginConfig;

/** {@code plugins.httpflv}: how far a viewer may fall behind before it is moved to the newest key frame. */
public final class HttpFlvConfig implements PluginConfig {

    /** Unsent frames a viewer may have queued. */
    public int maxLagFrames = 1024;
    /** Unsent bytes a viewer may have queued. */
    public long maxLagBytes = 8L << 20;
    /** Stream time a viewer may be behind, ms. */
    public long maxLagMs = 5_000;
    /** Moves to the newest key frame tolerated before a viewer is disconnected. */
    public int maxDrops = 3;
    /** {@code Access-Control-Allow-Origin} for players on other origins; empty for none. */
    public String corsOrigin = "*";

    @Override
    public void validate() {
        ConfigException.check(maxLagFrames >= 16, "maxLagFrames", "must be at least 16");
        ConfigException.check(maxLagBytes >= 65536, "maxLagBytes", "must be at least 65536");
        ConfigException.check(maxLagMs >= 500, "maxLagMs", "must be at least 500");
        ConfigException.check(maxDrops >= 0, "maxDrops", "must not be negative");
        ConfigException.check(corsOrigin != null, "corsOrigin", "must be a string");
    }
}
