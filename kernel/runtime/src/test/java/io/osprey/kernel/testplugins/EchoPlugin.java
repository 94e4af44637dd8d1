package io.osprey.kernel.testplugins;

import io.osprey.spi.ConfigException;
import io.osprey.spi.Plugin;
import io.osprey.spi.PluginConfig;
import io.osprey.spi.PluginContext;
import io.osprey.spi.Setting;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/** A test plugin: a route, an admin route, a periodic task, a metric, and live reconfiguration. */
public final class EchoPlugin implements Plugin {

    public static final AtomicLong TICKS = new AtomicLong();

    /** {@code plugins.echo}. */
    public static final class EchoConfig implements PluginConfig {
        @Setting("Text the /echo route answers.")
        public String greeting = "hello";
        @Setting(value = "How many times the greeting is repeated.", min = 1, max = 10)
        public int repeat = 1;

        @Override
        public void validate() {
            ConfigException.check(!greeting.contains("<"), "greeting", "must not contain markup");
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
        ctx.http().adminRoute("/api/echo", new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                response.write(true, ByteBuffer.wrap("admin echo".getBytes(StandardCharsets.UTF_8)), callback);
                return true;
            }
        });
        ctx.http().webSocket("/ws/*", (rq, rs) -> {
            if (Request.getPathInContext(rq).endsWith("/refuse")) {
                rs.setStatus(403);
                return null;
            }
            return new EchoFrames();
        });
        ctx.http().route("/ws/*", new Handler.Abstract() { // plain requests on the WebSocket path fall through here
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                response.write(true, ByteBuffer.wrap("plain".getBytes(StandardCharsets.UTF_8)), callback);
                return true;
            }
        });
        ctx.scheduler().scheduleWithFixedDelay(TICKS::incrementAndGet, 10, 10, TimeUnit.MILLISECONDS);
        ctx.metrics().gauge("osprey_echo_ticks", "test ticks", () -> TICKS.get());
    }

    /** Echoes text frames back, upper-cased (Jetty core API: explicit demand). */
    static final class EchoFrames implements org.eclipse.jetty.websocket.core.FrameHandler {
        private org.eclipse.jetty.websocket.core.CoreSession session;

        @Override
        public void onOpen(org.eclipse.jetty.websocket.core.CoreSession s, Callback callback) {
            session = s;
            callback.succeeded();
            s.demand();
        }

        @Override
        public void onFrame(org.eclipse.jetty.websocket.core.Frame frame, Callback callback) {
            if (frame.getOpCode() == org.eclipse.jetty.websocket.core.OpCode.TEXT) {
                String text = frame.getPayloadAsUTF8().toUpperCase(java.util.Locale.ROOT);
                session.sendFrame(new org.eclipse.jetty.websocket.core.Frame(
                        org.eclipse.jetty.websocket.core.OpCode.TEXT, text), callback, false);
            } else {
                callback.succeeded();
            }
            session.demand();
        }

        @Override
        public void onError(Throwable cause, Callback callback) {
            callback.succeeded();
        }

        @Override
        public void onClosed(org.eclipse.jetty.websocket.core.CloseStatus closeStatus, Callback callback) {
            callback.succeeded();
        }
    }

    @Override
    public boolean reconfigure(Object newConfig) {
        config = (EchoConfig) newConfig;
        return true;
    }
}
