package io.osprey.kernel.admin;

import com.fasterxml.jackson.databind.JsonNode;
import io.osprey.kernel.config.Config;
import io.osprey.kernel.config.ConfigError;
import io.osprey.kernel.config.ConfigSchema;
import io.osprey.kernel.config.YamlEdit;
import io.osprey.kernel.plugin.PluginManager;
import java.io.IOException;
import java.io.InputStream;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * {@code /api/plugins/{id}/config} (admin token, checked by the caller's guard).
 *
 * <p>{@code GET}: the plugin's config schema, derived from its config class ({@link ConfigSchema}: key, type,
 * default, min, max, allowed, doc), its current values by key, the keys set by {@code OSPREY_*} variables or
 * {@code --set} (which the file cannot change), and the file.
 *
 * <p>{@code PUT} with a JSON object of keys (relative to the section, dotted when nested) to values ({@code null}
 * removes the key from the file, so it takes its default): the keys are set in the config file's text
 * ({@link YamlEdit}, comments kept), the result is checked exactly as a config reload checks it, written, and
 * applied live through the reload path (in place when the plugin can, all affected plugins or none). A refusal is
 * {@code 400} with {@code key} and {@code reason}; nothing is written then. Blocking handler: the apply may wait on
 * a plugin's reconfigure.
 */
public final class PluginConfigApi extends Handler.Abstract {

    private static final System.Logger LOG = System.getLogger(PluginConfigApi.class.getName());
    private static final int MAX_BODY = 64 * 1024;
    private static final Pattern KEY = Pattern.compile("[A-Za-z0-9_-]+(\\.[A-Za-z0-9_-]+)*");

    /** The server's config file: where it is, and how a new text is checked, written and applied. */
    public interface ConfigFile {
        /** The file, or {@code null} when the server runs on built-in defaults. */
        Path path();

        /** Checks {@code text} as a reload would, writes it and applies it; nothing changes when it throws. */
        void write(byte[] text) throws ConfigError, IOException;
    }

    private final PluginManager plugins;
    private final ConfigFile file;

    public PluginConfigApi(PluginManager plugins, ConfigFile file) {
        super(InvocationType.BLOCKING);
        this.plugins = plugins;
        this.file = file;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        String[] seg = Request.getPathInContext(request).substring(1).split("/");
        if (seg.length != 4 || !seg[3].equals("config")) {
            return false;
        }
        String id = seg[2];
        if (plugins.status(id).isEmpty()) {
            Json.write(response, 404, Map.of("error", "no plugin " + id), callback);
        } else if (HttpMethod.GET.is(request.getMethod())) {
            Json.write(response, 200, describe(id), callback);
        } else if (HttpMethod.PUT.is(request.getMethod())) {
            put(id, request, response, callback);
        } else {
            Json.write(response, 405, Map.of("error", "use GET or PUT"), callback);
        }
        return true;
    }

    /** Schema, current values, overridden keys and the file. */
    Map<String, Object> describe(String id) {
        Config config = plugins.config();
        Class<?> type = plugins.configType(id);
        List<Map<String, Object>> keys = new ArrayList<>();
        Map<String, Object> enabled = new LinkedHashMap<>();
        enabled.put("key", "enabled");
        enabled.put("type", "boolean");
        enabled.put("default", true);
        enabled.put("doc", "Run this plugin.");
        keys.add(enabled);
        List<ConfigSchema.Key> schema = ConfigSchema.keys(type);
        schema.forEach(k -> keys.add(k.toJson()));
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("enabled", config.pluginEnabled(id));
        Map<String, Object> root = new LinkedHashMap<>();
        try {
            JsonNode bound = ConfigSchema.values(config.bindPlugin(id, type));
            for (ConfigSchema.Key k : schema) {
                JsonNode v = bound == null ? null : bound.at("/" + k.key().replace(".", "/"));
                values.put(k.key(), v == null || v.isMissingNode() ? null : v);
            }
        } catch (ConfigError e) {
            root.put("error", e.getMessage()); // a plugin installed after the file named keys it does not know
        }
        Map<String, String> overridden = new LinkedHashMap<>();
        String prefix = "plugins." + id + ".";
        config.pluginOverrides(id).forEach((k, src) -> {
            if (k.startsWith(prefix)) {
                overridden.put(k.substring(prefix.length()), src);
            }
        });
        root.put("id", id);
        root.put("file", file.path() == null ? null : file.path().toString());
        root.put("keys", keys);
        root.put("values", values);
        root.put("overridden", overridden);
        return root;
    }

    private void put(String id, Request request, Response response, Callback callback) {
        Map<String, JsonNode> changes = new LinkedHashMap<>();
        try {
            JsonNode body = Json.MAPPER.readTree(body(request));
            if (body == null || !body.isObject() || body.size() == 0) {
                Json.write(response, 400, refusal("", "the body must be a JSON object of keys to values"), callback);
                return;
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = body.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                changes.put(e.getKey(), e.getValue());
            }
        } catch (IOException e) {
            Json.write(response, 400, refusal("", "the body is not JSON: " + e.getMessage()), callback);
            return;
        }
        Path path = file.path();
        if (path == null) {
            Json.write(response, 409, refusal("", "the server runs without a config file (start it with --config)"),
                    callback);
            return;
        }
        Map<String, String> overrides = plugins.config().pluginOverrides(id);
        for (String key : changes.keySet()) {
            String full = "plugins." + id + "." + key;
            if (!KEY.matcher(key).matches()) {
                Json.write(response, 400, refusal(full, "not a key name"), callback);
                return;
            }
            if (overrides.containsKey(full)) {
                Json.write(response, 409, refusal(full, "set by " + overrides.get(full)
                        + ", which overrides the file"), callback);
                return;
            }
        }
        YamlEdit.Result edit;
        try {
            edit = YamlEdit.set(Files.readString(path, StandardCharsets.UTF_8), "plugins." + id, changes);
            file.write(edit.text().getBytes(StandardCharsets.UTF_8));
        } catch (ConfigError e) {
            Map<String, Object> r = refusal(e.key(), e.reason());
            r.put("error", e.getMessage());
            Json.write(response, 400, r, callback);
            return;
        } catch (IOException e) {
            LOG.log(Level.ERROR, "config of plugin {0} not saved: {1}", id, e.toString());
            Json.write(response, 500, refusal("", "cannot write " + path + ": " + e.getMessage()), callback);
            return;
        }
        LOG.log(Level.INFO, "config of plugin {0} saved to {1} from the admin API: {2}", id, path, changes.keySet());
        Map<String, Object> r = describe(id);
        r.put("commentsKept", edit.commentsKept());
        Json.write(response, 200, r, callback);
    }

    private static Map<String, Object> refusal(String key, String reason) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("error", key.isEmpty() ? reason : key + ": " + reason);
        m.put("key", key);
        m.put("reason", reason);
        return m;
    }

    private static String body(Request request) throws IOException {
        try (InputStream in = Content.Source.asInputStream(request)) {
            byte[] b = in.readNBytes(MAX_BODY + 1);
            if (b.length > MAX_BODY) {
                throw new IOException("over " + MAX_BODY + " bytes");
            }
            return new String(b, StandardCharsets.UTF_8);
        }
    }
}
