package io.osprey.plugin.httpflv;

import java.util.Objects;

/** Which {@code plugins.httpflv} changes can be applied without touching viewers. */
final class ConfigDiff {

    private ConfigDiff() {
    }

    /** Whether {@code a} and {@code b} differ at most in {@code record.enabled} and {@code record.apps}. */
    static boolean sameButRecordingChoice(HttpFlvConfig a, HttpFlvConfig b) {
        return a.maxLagFrames == b.maxLagFrames && a.maxLagBytes == b.maxLagBytes && a.maxLagMs == b.maxLagMs
                && a.stallMs == b.stallMs && a.maxDrops == b.maxDrops && a.corsOrigin.equals(b.corsOrigin)
                && a.sendBufferBytes == b.sendBufferBytes && a.mergeMs == b.mergeMs
                && a.writesPerSecond == b.writesPerSecond && a.webSocket == b.webSocket
                && a.record.dir.equals(b.record.dir) && sameRelay(a.relay, b.relay);
    }

    private static boolean sameRelay(HttpFlvConfig.Relay a, HttpFlvConfig.Relay b) {
        if (a.waitMs != b.waitMs || a.idleStopMs != b.idleStopMs || a.minBackoffMs != b.minBackoffMs
                || a.maxBackoffMs != b.maxBackoffMs || a.connectTimeoutMs != b.connectTimeoutMs
                || a.negativeCacheMs != b.negativeCacheMs || a.maxPulls != b.maxPulls
                || a.maxTagBytes != b.maxTagBytes || a.upstreams.size() != b.upstreams.size()) {
            return false;
        }
        for (int i = 0; i < a.upstreams.size(); i++) {
            HttpFlvConfig.Upstream x = a.upstreams.get(i);
            HttpFlvConfig.Upstream y = b.upstreams.get(i);
            if (!Objects.equals(x.app, y.app) || !Objects.equals(x.url, y.url)) {
                return false;
            }
        }
        return true;
    }
}
