package io.osprey.plugin.recorder;

import io.osprey.spi.Plugin;
import io.osprey.spi.PluginContext;
import io.osprey.spi.bus.Publisher;
import io.osprey.spi.bus.StreamKey;
import io.osprey.testkit.Clip;
import java.nio.file.Path;

/**
 * Test-only plugin for the crash test, which runs the server as a separate process: publishes {@code file} to
 * {@code stream} at {@code speed} when configured, on its own thread. Idle (the default) in every other test.
 */
public final class FeederPlugin implements Plugin {

    /** {@code plugins.test-feeder}. */
    public static final class FeederConfig {
        public String file = "";
        public String stream = "live/crash";
        public double speed = 1;
    }

    private volatile Thread thread;

    @Override
    public String id() {
        return "test-feeder";
    }

    @Override
    public Class<?> configType() {
        return FeederConfig.class;
    }

    @Override
    public void start(PluginContext ctx) {
        FeederConfig c = ctx.config(FeederConfig.class);
        if (c.file.isEmpty()) {
            return;
        }
        Thread t = new Thread(() -> {
            try {
                Clip media = Clip.read(Path.of(c.file));
                Publisher p = media.publish(ctx.bus(), StreamKey.parse(c.stream), c.speed);
                p.close();
            } catch (InterruptedException stop) {
                Thread.currentThread().interrupt();
            } catch (Exception e) {
                e.printStackTrace();
            }
        }, "test-feeder");
        t.setDaemon(true);
        t.start();
        thread = t;
    }

    @Override
    public void stop() {
        Thread t = thread;
        if (t != null) {
            t.interrupt();
        }
    }
}
