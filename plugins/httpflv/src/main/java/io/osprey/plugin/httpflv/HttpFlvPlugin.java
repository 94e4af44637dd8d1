package io.osprey.plugin.httpflv;

import io.osprey.plugin.httpflv.record.FlvFiles;
import io.osprey.plugin.httpflv.record.FlvRecorder;
import io.osprey.plugin.httpflv.record.FlvRecordings;
import io.osprey.plugin.httpflv.relay.RelayManager;
import io.osprey.spi.Plugin;
import io.osprey.spi.PluginContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;

/**
 * HTTP-FLV and WebSocket-FLV live output ({@code /{app}/{stream}.flv}: the FLV header, metadata, codec configs and
 * the cached GOP, then live tags), FLV recording of streams (registered with the recordings registry and served
 * under {@code /flv/...} with HTTP Range), and edge relay of streams pulled from an upstream.
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
        outputs = new FlvOutputs(ctx, config);
        ctx.bus().watch(outputs);
        if (config.webSocket) {
            // before the HTTP route on the same spec: upgrades go here, plain GETs fall through
            ctx.http().webSocket("*.flv", new WsFlvEndpoint(outputs));
        }
        ctx.http().route("*.flv", new FlvHandler(outputs, config));
        Path recordRoot = ctx.dataDir().resolve(config.record.dir).toAbsolutePath().normalize();
        if (config.record.enabled) {
            FlvRecorder r = new FlvRecorder(ctx, recordRoot, config.record::records);
            recorder = r;
            // FLV files are complete as written: nothing to recover at start, so the registration is ready at once
            ctx.recordings().register(new FlvRecordings(recordRoot, () -> new HashSet<>(r.active()))).ready();
            ctx.bus().watch(recorder);
        } else if (Files.isDirectory(recordRoot)) {
            // recording is off, but earlier recordings are still listed, served and cleaned up
            ctx.recordings().register(new FlvRecordings(recordRoot, Set::of)).ready();
        }
        ctx.http().route("/flv/*", new FlvFiles(recordRoot, config.corsOrigin, ctx.access()));
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
