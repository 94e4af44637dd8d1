package io.osprey.plugin.httpflv;

import io.osprey.plugin.httpflv.record.FlvRecorder;
import io.osprey.plugin.httpflv.relay.RelayManager;
import io.osprey.spi.Plugin;
import io.osprey.spi.PluginContext;

/**
 * HTTP-FLV and WebSocket-FLV live output ({@code /{app}/{stream}.flv}: the FLV header, metadata, codec configs and
 * the cached GOP, then live tags), FLV recording of streams, and edge relay of streams pulled from an upstream.
 */
public final class HttpFlvPlugin implements Plugin {

    private FlvOutputs outputs;
    private FlvRecorder recorder;
    private RelayManager relays;

    @Override
    public String id() {
        return "httpflv";
    }

    @Override
    public Class<?> configType() {
        return HttpFlvConfig.class;
    }

    @Override
    public void start(PluginContext ctx) {
        HttpFlvConfig config = ctx.config(HttpFlvConfig.class);
        relays = new RelayManager(ctx, config.relay);
        outputs = new FlvOutputs(ctx, config, relays);
        ctx.bus().watch(outputs);
        if (config.webSocket) {
            // before the HTTP route on the same spec: upgrades go here, plain GETs fall through
            ctx.http().webSocket("*.flv", new WsFlvEndpoint(outputs));
        }
        ctx.http().route("*.flv", new FlvHandler(outputs, config));
        if (config.record.enabled) {
            recorder = new FlvRecorder(ctx, ctx.dataDir().resolve(config.record.dir), config.record::records);
            ctx.bus().watch(recorder);
        }
    }

    @Override
    public void stop() {
        if (recorder != null) {
            recorder.close();
        }
        if (relays != null) {
            relays.close();
        }
        if (outputs != null) {
            outputs.closeAll("the httpflv plugin stopped");
        }
    }
}
