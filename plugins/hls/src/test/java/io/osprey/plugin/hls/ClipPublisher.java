package io.osprey.plugin.hls;

import io.osprey.spi.bus.Frame;
import io.osprey.spi.bus.MediaBus;
import io.osprey.spi.bus.PublishRequest;
import io.osprey.spi.bus.Publisher;
import io.osprey.spi.bus.StreamKey;

/** Publishes the test clip into the bus, looped, at real-time pace, from its own thread. */
final class ClipPublisher implements AutoCloseable {
    private final Publisher publisher;
    private final Thread thread;
    private volatile boolean stop;
    private volatile Throwable failure;

    ClipPublisher(MediaBus bus, StreamKey key, Clip clip, long millis) throws Exception {
        publisher = bus.publish(key, new PublishRequest("test", null, false, null));
        clip.declare(publisher);
        thread = new Thread(() -> {
            long start = System.nanoTime();
            try {
                for (int i = 0; !stop; i++) {
                    Frame f = clip.looped(i);
                    if (f.dts() > millis) {
                        break;
                    }
                    long wait = f.dts() - (System.nanoTime() - start) / 1_000_000;
                    if (wait > 0) {
                        Thread.sleep(wait);
                    }
                    publisher.push(f);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Throwable t) {
                failure = t;
            }
        }, "publisher " + key);
        thread.setDaemon(true);
        thread.start();
    }

    /** Waits for the whole clip to have been published. */
    void join() throws InterruptedException {
        thread.join();
        if (failure != null) {
            throw new AssertionError("publisher failed", failure);
        }
    }

    @Override
    public void close() throws InterruptedException {
        stop = true;
        thread.join(5000);
        publisher.close();
    }
}
