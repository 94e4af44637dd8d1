package io.osprey.kernel.admin;

import com.fasterxml.jackson.databind.JsonNode;
import io.osprey.kernel.config.Config;
import io.osprey.kernel.http.JettyHost;
import io.osprey.kernel.plugin.PluginState;
import io.osprey.kernel.plugin.PluginStatus;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * {@code GET /api/info}, public (no token): what a page needs to print addresses a user can copy, and nothing an
 * attacker would not learn by connecting to the ports. For example:
 * <pre>{@code
 * {"version": "0.1.0", "publicHost": "", "publicRtmpUrl": "",
 *  "http": {"port": 8080}, "https": {"port": 8443}, "rtmp": {"port": 1935}, "rtmps": null,
 *  "outputs": {"hls": true, "httpFlv": true, "wsFlv": true, "rtmpPlay": true, "flvRecording": false,
 *              "fmp4Recording": true},
 *  "plugins": {"hls": "active", "httpflv": "active", "rtmp-ingest": "active", ...}}
 * }</pre>
 * The RTMP ports are those of the listeners the kernel bound for plugins ({@link JettyHost#listeners()}, by the
 * names {@code rtmp} and {@code rtmps}), so the kernel never asks the RTMP plugin. {@code outputs} reads the
 * active plugins and the two switches of their config that decide an output ({@code plugins.httpflv.webSocket},
 * {@code plugins.httpflv.record.enabled}).
 */
public final class InfoApi extends Handler.Abstract {

    private final String version;
    private final JettyHost host;
    private final Supplier<Config> config;
    private final Supplier<List<PluginStatus>> plugins;

    public InfoApi(String version, JettyHost host, Supplier<Config> config, Supplier<List<PluginStatus>> plugins) {
        this.version = version;
        this.host = host;
        this.config = config;
        this.plugins = plugins;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        if (!HttpMethod.GET.is(request.getMethod()) && !HttpMethod.HEAD.is(request.getMethod())) {
            Json.write(response, 405, Map.of("error", "use GET"), callback);
            return true;
        }
        Json.write(response, 200, info(), callback);
        return true;
    }

    /** The answer of {@code GET /api/info}. */
    public Map<String, Object> info() {
        Config c = config.get();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("version", version);
        m.put("publicHost", c.server().publicHost);
        m.put("publicRtmpUrl", c.server().publicRtmpUrl.replaceAll("/+$", ""));
        m.put("http", Map.of("port", host.httpPort()));
        m.put("https", host.httpsPort() < 0 ? null : Map.of("port", host.httpsPort()));
        m.put("rtmp", port("rtmp"));
        m.put("rtmps", port("rtmps"));
        Map<String, String> states = new LinkedHashMap<>();
        for (PluginStatus p : plugins.get()) {
            states.put(p.id(), p.state().label());
        }
        JsonNode flv = c.tree().path("plugins").path("httpflv");
        boolean httpflv = active(states, "httpflv");
        Map<String, Object> outputs = new LinkedHashMap<>();
        outputs.put("hls", active(states, "hls"));
        outputs.put("httpFlv", httpflv);
        outputs.put("wsFlv", httpflv && flv.path("webSocket").asBoolean(true));
        outputs.put("rtmpPlay", active(states, "rtmp-ingest") && m.get("rtmp") != null);
        outputs.put("flvRecording", httpflv && flv.path("record").path("enabled").asBoolean(false));
        outputs.put("fmp4Recording", active(states, "fmp4-recorder"));
        m.put("outputs", outputs);
        m.put("plugins", states);
        return m;
    }

    /** The newest bound listener of that name (a plugin that moved its port keeps the old one until it drains). */
    private Map<String, Object> port(String name) {
        List<JettyHost.Bound> all = host.listeners();
        for (int i = all.size() - 1; i >= 0; i--) {
            if (all.get(i).name().equals(name)) {
                return Map.of("port", all.get(i).port());
            }
        }
        return null;
    }

    private static boolean active(Map<String, String> states, String id) {
        return PluginState.ACTIVE.label().equals(states.get(id));
    }
}
