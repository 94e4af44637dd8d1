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
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/** A test plugin that throws where its config says: in start, in stop, or in one or many frame callbacks. */
public final class FaultyPlugin implements Plugin {

    /** {@code plugins.faulty}. */
    public static final class FaultyConfig {
        public String failIn = "none";
    }

    private FaultyConfig config;
    private Publisher publisher;
    private Subscription good;
    private volatile Subscription bad;
    private final AtomicInteger goodFrames = new AtomicInteger();
    private long dts;
    /** The instance the kernel started last (tests reach it through here). */
    public static volatile FaultyPlugin last;

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
        last = this;
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
        if (config.failIn.equals("callback") || config.failIn.equals("callbacks")) {
            // one viewer whose callback throws (or, for "callbacks", a run of them) beside one that reads
            StreamKey key = new StreamKey("faulty", "s");
            Publisher p = ctx.bus().publish(key, new PublishRequest("test", null, false, null));
            p.setTrack(TrackInfo.video(0, Codec.H264, ByteBuffer.wrap(new byte[] {1}), 16, 16, 25));
            good = ctx.bus().subscribe(key, SubscribeOptions.viewer("test"), sub -> {
                List<Frame> out = new ArrayList<>();
                sub.poll(out, 64);
                out.forEach(Frame::release);
                goodFrames.addAndGet(out.size());
                sub.demand();
            });
            good.demand();
            int throwers = config.failIn.equals("callbacks") ? 25 : 1;
            for (int i = 0; i < throwers; i++) {
                Subscription bad = ctx.bus().subscribe(key, SubscribeOptions.viewer("test"), sub -> {
                    throw new IllegalStateException("boom in a frame callback");
                });
                this.bad = bad;
                bad.demand();
            }
            publisher = p;
            push();
        }
    }

    /** Pushes one key frame to the stream of the callback modes. */
    public void push() {
        publisher.push(Frame.media(0, Codec.H264, dts, 0, true, ByteBuffer.wrap(new byte[10])));
        dts += 40;
    }

    public Subscription bad() {
        return bad;
    }

    public Subscription good() {
        return good;
    }

    public int goodFrames() {
        return goodFrames.get();
    }

    @Override
    public void stop() {
        if (config.failIn.equals("stop")) {
            throw new IllegalStateException("boom in stop");
        }
    }
}
