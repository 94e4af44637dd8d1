package io.osprey.plugin.rtmp;

import io.osprey.spi.Scheduler;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Closes publishers that send no media (HOSTILE-INPUTS D4, E4): no audio or video frame within
 * {@code firstPacketTimeoutMs} of publishing, or none for {@code publisherIdleTimeoutMs} after that (a publisher that
 * stopped sending without closing, sends only metadata, or trickles bytes to keep its socket alive). One periodic task
 * for all publishers of the plugin, so a publisher costs no timer of its own.
 */
final class PublisherWatchdog {

    private volatile long firstMediaNanos;
    private volatile long idleNanos;
    private final Map<PublishSession, Consumer<String>> watched = new ConcurrentHashMap<>();

    PublisherWatchdog(Scheduler scheduler, RtmpConfig config) {
        timeouts(config);
        // the sweep period stays what the first config made it (at most 1 s): a timeout changed later is enforced
        // within that much more
        long period = Math.max(50, Math.min(1000, Math.min(config.firstPacketTimeoutMs,
                config.publisherIdleTimeoutMs) / 4));
        scheduler.scheduleWithFixedDelay(this::sweep, period, period, TimeUnit.MILLISECONDS);
    }

    /** Applies new timeouts to every publisher, those publishing now included, from the next sweep. */
    void timeouts(RtmpConfig config) {
        this.firstMediaNanos = TimeUnit.MILLISECONDS.toNanos(config.firstPacketTimeoutMs);
        this.idleNanos = TimeUnit.MILLISECONDS.toNanos(config.publisherIdleTimeoutMs);
    }

    /** Watches {@code session}; {@code close} is called (from the scheduler) with the reason to close it. */
    void watch(PublishSession session, Consumer<String> close) {
        watched.put(session, close);
    }

    void unwatch(PublishSession session) {
        watched.remove(session);
    }

    int size() {
        return watched.size();
    }

    private void sweep() {
        long now = System.nanoTime();
        watched.forEach((s, close) -> {
            long last = s.lastMediaNanos();
            String why = null;
            if (last == 0 && now - s.startedNanos() > firstMediaNanos) {
                why = "no audio or video within " + TimeUnit.NANOSECONDS.toMillis(firstMediaNanos)
                        + " ms of publishing " + s.key();
            } else if (last != 0 && now - last > idleNanos) {
                why = "idle publisher: no audio or video for " + TimeUnit.NANOSECONDS.toMillis(idleNanos) + " ms";
            }
            if (why != null && watched.remove(s, close)) {
                try {
                    close.accept(why);
                } catch (RuntimeException e) {
                    System.getLogger(PublisherWatchdog.class.getName()).log(System.Logger.Level.WARNING,
                            "closing an idle publisher failed", e);
                }
            }
        });
    }
}
