package io.osprey.plugin.auth;

import io.osprey.media.json.Json;
import io.osprey.spi.bus.StreamKey;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;

/**
 * The admin API (the kernel checks the admin token): {@code GET /api/auth} tells what is protected (apps with a
 * publish key, never the keys; signed apps; IP lists; which callbacks are set), and
 * {@code GET /api/auth/sign?stream=app/name&ttl=SECONDS} returns a signed query and the play URL of every protocol.
 */
final class AuthApi extends Handler.Abstract.NonBlocking {

    private final Supplier<Rules> rules;

    AuthApi(Supplier<Rules> rules) {
        this.rules = rules;
    }

    @Override
    public boolean handle(Request rq, Response rs, Callback cb) {
        if (!HttpMethod.GET.is(rq.getMethod())) {
            rs.getHeaders().put(HttpHeader.ALLOW, "GET");
            write(rs, cb, 405, Map.of("error", "GET only"));
            return true;
        }
        String path = Request.getPathInContext(rq);
        if (path.equals("/api/auth/sign")) {
            sign(rq, rs, cb);
        } else {
            write(rs, cb, 200, status(rules.get()));
        }
        return true;
    }

    private void sign(Request rq, Response rs, Callback cb) {
        Fields q = Request.extractQueryParameters(rq);
        String stream = q.getValue("stream");
        StreamKey key;
        try {
            key = stream == null ? null : StreamKey.parse(stream);
        } catch (IllegalArgumentException e) {
            key = null;
        }
        if (key == null) {
            write(rs, cb, 400, Map.of("error", "stream must be app/name"));
            return;
        }
        Rules r = rules.get();
        long ttl;
        try {
            ttl = q.getValue("ttl") == null ? 3600 : Long.parseLong(q.getValue("ttl"));
        } catch (NumberFormatException e) {
            ttl = -1;
        }
        if (ttl <= 0 || ttl > r.config.maxSignTtlSeconds) {
            write(rs, cb, 400, Map.of("error", "ttl must be 1.." + r.config.maxSignTtlSeconds + " seconds"));
            return;
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("stream", key.toString());
        boolean signs = r.signs(key);
        out.put("signed", signs);
        String query = "";
        if (signs) {
            long expires = System.currentTimeMillis() / 1000 + ttl;
            out.put("expires", expires);
            query = r.signer().query(key, expires);
        }
        out.put("query", query);
        String host = Request.getServerName(rq);
        if (host.indexOf(':') >= 0) {
            host = "[" + host + "]";
        }
        String http = "//" + host + ":" + Request.getServerPort(rq);
        String qs = query.isEmpty() ? "" : "?" + query;
        Map<String, Object> urls = new LinkedHashMap<>();
        urls.put("httpflv", "http:" + http + "/" + key.app() + "/" + key.name() + ".flv" + qs);
        urls.put("wsflv", "ws:" + http + "/" + key.app() + "/" + key.name() + ".flv" + qs);
        urls.put("hls", "http:" + http + "/hls/" + key.app() + "/" + key.name() + "/index.m3u8" + qs);
        urls.put("rtmp", "rtmp://" + host + ":" + r.config.rtmpPort + "/" + key.app() + "/" + key.name() + qs);
        urls.put("recordings", "append " + (qs.isEmpty() ? "nothing" : qs) + " to /mp4/" + key.app() + "/"
                + key.name() + "/... and /flv/" + key.app() + "/" + key.name() + "/... URLs");
        out.put("urls", urls);
        write(rs, cb, 200, out);
    }

    static Map<String, Object> status(Rules r) {
        AuthConfig c = r.config;
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("publishKeys", r.keyedApps());
        m.put("signedPlay", r.signer() != null);
        m.put("signedApps", r.signer() == null ? java.util.List.of()
                : c.signedApps.isEmpty() ? java.util.List.of("*") : c.signedApps);
        m.put("publishIps", Map.of("allow", c.publish.allow, "deny", c.publish.deny));
        m.put("playIps", Map.of("allow", c.play.allow, "deny", c.play.deny));
        Map<String, Object> hooks = new LinkedHashMap<>();
        hooks.put("onPublish", !c.hooks.onPublish.isEmpty());
        hooks.put("onPlay", !c.hooks.onPlay.isEmpty());
        hooks.put("onPublishDone", !c.hooks.onPublishDone.isEmpty());
        hooks.put("onPlayDone", !c.hooks.onPlayDone.isEmpty());
        hooks.put("onRecordDone", !c.hooks.onRecordDone.isEmpty());
        hooks.put("failOpen", c.hooks.failOpen);
        m.put("hooks", hooks);
        return m;
    }

    private static void write(Response rs, Callback cb, int status, Object body) {
        rs.setStatus(status);
        rs.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json; charset=utf-8");
        rs.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        rs.write(true, ByteBuffer.wrap(Json.write(body).getBytes(StandardCharsets.UTF_8)), cb);
    }
}
