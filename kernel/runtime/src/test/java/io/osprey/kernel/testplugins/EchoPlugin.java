package io.osprey.kernel.testplugins;

import io.osprey.spi.ConfigException;
import io.osprey.spi.Plugin;
import io.osprey.spi.PluginConfig;
import io.osprey.spi.PluginContext;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/** A test plugin: a route, a periodic task, a metric, and live reconfiguration. */
public final class EchoPlugin implements Plugin {

    public static final AtomicLong TICKS = new AtomicLong();

    /** {@code plugins.echo}. */
    public static final class EchoConfig implements PluginConfig {
        public String greeting = "hello";
        public int repeat = 1;

        @Override
        public void validate() {
            ConfigException.check(repeat >= 1 && repeat <= 10, "repeat", "must be 1..10, was " + repeat);
        }
    }

    private volatile EchoConfig config;

    @Override
    public String id() {
        return "echo";
    }

    @Override
    public Class<?> configType() {
        return EchoConfig.class;
    }

    @Override
    public void start(PluginContext ctx) {
        config = ctx.config(EchoConfig.class);
        ctx.http().route("/echo/*", new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                String body = config.greeting.repeat(config.repeat);
                response.write(true, ByteBuffer.wrap(body.getBytes(StandardCharsets.UTF_8)), callback);
                return true;
            }
        });
        ctx.scheduler().scheduleWithFixedDelay(TICKS::incrementAndGet, 10, 10, TimeUnit.MILLISECONDS);
        ctx.metrics().gauge("osprey_echo_ticks", "test ticks", () -> TICKS.get());
    }

    @Override
    public boolean reconfigure(Object newConfig) {
        config = (EchoConfig) newConfig;
        return true;
    }
}
