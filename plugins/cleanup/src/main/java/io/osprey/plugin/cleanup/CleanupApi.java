package io.osprey.plugin.cleanup;

import io.osprey.media.json.Json;
import io.osprey.spi.recording.RecordingRegistry;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;

/**
 * {@code GET /api/cleanup}: the policy, each recorder root with its disk usage, and the last report.
 * {@code POST /api/cleanup/run[?dryRun=true]}: runs now (after a run in progress) and answers with the report.
 * Both need the admin token (checked by the kernel).
 */
final class CleanupApi extends Handler.Abstract {

    private final CleanupPlugin plugin;

    CleanupApi(CleanupPlugin plugin) {
        this.plugin = plugin;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        String path = Request.getPathInContext(request);
        String method = request.getMethod();
        if (path.equals("/api/cleanup/run")) {
            if (!HttpMethod.POST.is(method)) {
                write(response, callback, 405, Map.of("error", "use POST"));
                return true;
            }
            Fields q = Request.extractQueryParameters(request);
            String dry = q.getValue("dryRun");
            if (dry != null && !dry.equals("true") && !dry.equals("false")) {
                write(response, callback, 400, Map.of("error", "dryRun must be true or false"));
                return true;
            }
            CompletableFuture<Cleaner.Report> done = new CompletableFuture<>();
            plugin.submit("api", "true".equals(dry), done);
            done.whenComplete((r, t) -> {
                if (t != null) {
                    write(response, callback, 503, Map.of("error", String.valueOf(t.getMessage())));
                } else {
                    write(response, callback, 200, r.json());
                }
            });
            return true;
        }
        if (!HttpMethod.GET.is(method)) {
            write(response, callback, 405, Map.of("error", "use GET"));
            return true;
        }
        write(response, callback, 200, status());
        return true;
    }

    private Map<String, Object> status() {
        CleanupConfig c = plugin.config();
        Map<String, Object> policy = new LinkedHashMap<>();
        policy.put("maxAgeMinutes", c.maxAgeMinutes);
        policy.put("quotaMB", c.quotaMB);
        policy.put("minFreeMB", c.minFreeMB);
        policy.put("minFreePercent", c.minFreePercent);
        policy.put("orphanAgeMinutes", c.orphanAgeMinutes);
        policy.put("intervalSeconds", c.intervalSeconds);
        policy.put("dryRun", c.dryRun);
        policy.put("keepMerged", c.keepMerged);
        Map<String, Object> apps = new LinkedHashMap<>();
        c.apps.forEach((app, p) -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("maxAgeMinutes", p.maxAgeMinutes);
            m.put("keepMerged", p.keepMerged);
            apps.put(app, m);
        });
        policy.put("apps", apps);
        policy.put("summary", plugin.describe());
        Cleaner.Report last = plugin.lastReport();
        List<Map<String, Object>> roots = new ArrayList<>();
        for (RecordingRegistry.Entry e : plugin.recorders()) {
            Map<String, Object> m = new LinkedHashMap<>();
            Path root = e.recorder().root();
            m.put("root", root.toString());
            m.put("type", e.recorder().type());
            m.put("plugin", e.pluginId());
            m.put("ready", e.ready());
            Long used = null;
            if (last != null) {
                for (Map.Entry<Path, Long> u : last.used.entrySet()) {
                    if (u.getKey().equals(root) || sameFile(u.getKey(), root)) {
                        used = u.getValue();
                    }
                }
            }
            m.put("usedBytes", used);
            try {
                FileStore fs = Files.getFileStore(root);
                m.put("filesystem", fs.toString());
                m.put("usableBytes", fs.getUsableSpace());
                m.put("totalBytes", fs.getTotalSpace());
                m.put("floorBytes", c.floorOn() ? c.floorBytes(fs.getTotalSpace()) : 0L);
            } catch (IOException | RuntimeException missing) {
                m.put("filesystem", null);
            }
            roots.add(m);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("policy", policy);
        out.put("roots", roots);
        out.put("last", last == null ? null : last.json());
        return out;
    }

    private static boolean sameFile(Path a, Path b) {
        try {
            return Files.exists(b) && Files.isSameFile(a, b);
        } catch (IOException e) {
            return false;
        }
    }

    private static void write(Response response, Callback callback, int status, Object body) {
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json; charset=utf-8");
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        response.write(true, ByteBuffer.wrap(Json.pretty(body).getBytes(StandardCharsets.UTF_8)), callback);
    }
}
