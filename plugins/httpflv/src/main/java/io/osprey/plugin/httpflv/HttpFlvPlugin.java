package io.osprey.plugin.httpflv;

import io.osprey.plugin.httpflv.record.FlvFiles;
import io.osprey.plugin.httpflv.record.FlvRecorder;
import io.osprey.plugin.httpflv.record.FlvRecordings;
import io.osprey.plugin.httpflv.relay.RelayManager;
import io.osprey.spi.Plugin;
import io.osprey.spi.PluginContext;
import java.nio.file.Path;
import java.util.HashSet;

/**
 * HTTP-FLV and WebSocket-FLV live output ({@code /{app}/{stream}.flv}: the FLV header, metadata, codec configs and
 * the cached GOP, then live tags), FLV recording of streams (registered with the recordings registry and served
 * under {@code /flv/...} with HTTP Range), and edge relay of streams pulled from an upstream.
 */
public final class HttpFlvPlugin implements Plugin {

    private FlvOutputs outputs;
    private FlvRecorder recorder;
    private RelayManager relays;
    private volatile HttpFlvConfig config;

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
        this.config = config;
        relays = new RelayManager(ctx, config.relay);
        outputs = new FlvOutputs(ctx, config);
        ctx.bus().watch(outputs);
        if (config.webSocket) {
            // before the HTTP route on the same spec: upgrades go here, plain GETs fall through
            ctx.http().webSocket("*.flv", new WsFlvEndpoint(outputs));
        }
        ctx.http().route("*.flv", new FlvHandler(outputs, config));
        Path recordRoot = ctx.dataDir().resolve(config.record.dir).toAbsolutePath().normalize();
        // the recorder is there even while recording is off, so record.enabled and record.apps switch in place
        FlvRecorder r = new FlvRecorder(ctx, recordRoot, app -> this.config.record.records(app));
        recorder = r;
        // FLV files are complete as written: nothing to recover at start, so the registration is ready at once;
        // with recording off, earlier recordings are still listed, served and cleaned up
        FlvRecordings listed = new FlvRecordings(recordRoot, () -> new HashSet<>(r.active()));
        ctx.recordings().register(listed).ready();
        ctx.bus().watch(recorder);
        ctx.http().route("/flv/*", new FlvFiles(recordRoot, config.corsOrigin, ctx.access(), listed));
    }

    /**
     * {@code record.enabled} and {@code record.apps} apply in place (live streams start or finish their recording;
     * HTTP-FLV and WebSocket-FLV viewers are not touched); any other change restarts the plugin.
     */
    @Override
    public boolean reconfigure(Object newConfig) {
        HttpFlvConfig next = (HttpFlvConfig) newConfig;
        if (!ConfigDiff.sameButRecordingChoice(config, next)) {
            return false;
        }
        config = next;
        recorder.refresh();
        return true;
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
