package io.osprey.plugin.sources;

import java.util.Collection;

/** Which running source makes room for another: the least recently watched on-demand one. */
final class Lru {

    private Lru() {
    }

    /**
     * The on-demand source in {@code running} (other than {@code incoming}) watched least recently, or {@code null}
     * when every running source is always on.
     */
    static Source victim(Collection<Source> running, Source incoming) {
        Source victim = null;
        for (Source s : running) {
            if (s == incoming || !s.onDemand()) {
                continue;
            }
            if (victim == null || s.lastWatchedNanos() - victim.lastWatchedNanos() < 0) {
                victim = s;
            }
        }
        return victim;
    }
}
