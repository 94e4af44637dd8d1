package io.osprey.plugin.sources;

import io.osprey.spi.bus.MediaBus;
import io.osprey.spi.worker.Workers;

/** What a {@link Source} needs from its plugin: the shared limits, the kernel services and a counter. */
interface SourceHost {

    SourcesConfig config();

    MediaBus bus();

    Workers workers();

    /** Runs {@code task} on the scheduler after {@code delayMs}. */
    void schedule(Runnable task, long delayMs);

    /** A source restarted its worker (counted in {@code osprey_sources_restarts_total}). */
    void restarted();
}
