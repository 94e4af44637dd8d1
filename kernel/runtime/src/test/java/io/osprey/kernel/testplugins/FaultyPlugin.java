package io.osprey.kernel.testplugins;

import io.osprey.spi.Plugin;
import io.osprey.spi.PluginContext;
import io.osprey.spi.bus.Codec;
import io.osprey.spi.bus.Frame;
import io.osprey.spi.bus.PublishRequest;
import io.osprey.spi.bus.Publisher;
import io.osprey.spi.bus.StreamKey;
import io.osprey.spi.bus.SubscribeOptions;
import io.osprey.spi.bus.Subscription;
import io.osprey.spi.bus.TrackInfo;
import java.nio.ByteBuffer;

/** A test plugin that throws where its config says: in start, in stop, or in a frame callback. */
public final class FaultyPlugin implements Plugin {

    /** {@code plugins.faulty}. */
    public static final class FaultyConfig {
        public String failIn = "none";
    }

    private FaultyConfig config;

    @Override
    public String id() {
        return "faulty";
    }

    @Override
    public Class<?> configType() {
        return FaultyConfig.class;
    }

    @Override
    public void start(PluginContext ctx) throws Exception {
        config = ctx.config(FaultyConfig.class);
        ctx.http().route("/faulty", new org.eclipse.jetty.server.Handler.Abstract() {
            @Override
            public boolean handle(org.eclipse.jetty.server.Request rq, org.eclipse.jetty.server.Response rs,
                                  org.eclipse.jetty.util.Callback cb) {
                rs.write(true, ByteBuffer.allocate(0), cb);
                return true;
            }
        });
        if (config.failIn.equals("start")) {
            throw new IllegalStateException("boom in start");
        }
        if (config.failIn.equals("callback")) {
            StreamKey key = new StreamKey("faulty", "s");
            Publisher p = ctx.bus().publish(key, new PublishRequest("test", null, false, null));
            p.setTrack(TrackInfo.video(0, Codec.H264, ByteBuffer.wrap(new byte[] {1}), 16, 16, 25));
            Subscription s = ctx.bus().subscribe(key, SubscribeOptions.viewer("test"), sub -> {
                throw new IllegalStateException("boom in a frame callback");
            });
            s.demand();
            p.push(Frame.media(0, Codec.H264, 0, 0, true, ByteBuffer.wrap(new byte[10])));
        }
    }

    @Override
    public void stop() {
        if (config.failIn.equals("stop")) {
            throw new IllegalStateException("boom in stop");
        }
    }
}
