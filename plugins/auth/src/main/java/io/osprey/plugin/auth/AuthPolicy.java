package io.osprey.plugin.auth;

import io.osprey.spi.access.AccessDecision;
import io.osprey.spi.access.AccessPolicy;
import io.osprey.spi.access.AccessRequest;
import io.osprey.spi.access.Action;
import io.osprey.spi.access.SessionEnd;
import io.osprey.spi.access.SessionListener;
import io.osprey.spi.metrics.Counter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * The auth plugin's access policy, in order: the IP lists, then the publish key or the play signature (both answered
 * from memory, in a completed stage), then the deciding HTTP callback if one is configured. Internal clients (no
 * remote address: relays) skip the key and signature checks. Every decision is counted in
 * {@code osprey_auth_decisions_total{action,result,reason}}; keys and signatures never appear in reasons or logs.
 * Ended sessions become {@code on_*_done} notifications.
 */
final class AuthPolicy implements AccessPolicy, SessionListener {

    private static final CompletionStage<AccessDecision> ALLOWED = CompletableFuture.completedFuture(
            AccessDecision.ALLOW);

    private final Supplier<Rules> rules;
    private final Webhooks hooks;
    private final Counter decisions;

    AuthPolicy(Supplier<Rules> rules, Webhooks hooks, Counter decisions) {
        this.rules = rules;
        this.hooks = hooks;
        this.decisions = decisions;
    }

    @Override
    public CompletionStage<AccessDecision> check(AccessRequest r) {
        Rules rs = rules.get();
        String action = r.action().name().toLowerCase(Locale.ROOT);
        InetAddress address = r.remote() == null ? null : r.remote().getAddress();
        String ip = (r.action() == Action.PUBLISH ? rs.publishIps : rs.playIps).refusal(address);
        if (ip != null) {
            return deny(action, "ip", ip);
        }
        if (r.remote() != null) {
            String why = r.action() == Action.PUBLISH ? rs.publishKeyRefusal(r.stream(), r.params())
                    : rs.signatureRefusal(r.stream(), r.params(), System.currentTimeMillis() / 1000);
            if (why != null) {
                return deny(action, r.action() == Action.PUBLISH ? "key" : "signature", why);
            }
        }
        CompletionStage<AccessDecision> hook = hooks.decide(r, body(r));
        if (hook == null) {
            decisions.labels(action, "allow", "rules").inc();
            return ALLOWED;
        }
        return hook.thenApply(d -> {
            decisions.labels(action, d.allowed() ? "allow" : "deny", "hook").inc();
            return d;
        });
    }

    private CompletionStage<AccessDecision> deny(String action, String reasonLabel, String reason) {
        decisions.labels(action, "deny", reasonLabel).inc();
        return CompletableFuture.completedFuture(AccessDecision.deny(reason, 403));
    }

    /** The JSON of a deciding callback; the publish key is never sent. */
    private static Map<String, Object> body(AccessRequest r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("action", r.action() == Action.PUBLISH ? "on_publish" : "on_play");
        stream(m, r.stream().app(), r.stream().name(), r.protocol(), r.remote());
        Map<String, Object> params = new LinkedHashMap<>(r.params());
        params.remove("key");
        m.put("params", params);
        return m;
    }

    @Override
    public void sessionEnded(SessionEnd e) {
        AuthConfig.Hooks h = rules.get().config.hooks;
        String url;
        String action;
        switch (e.kind()) {
            case PUBLISH -> {
                url = h.onPublishDone;
                action = "on_publish_done";
            }
            case PLAY -> {
                url = h.onPlayDone;
                action = "on_play_done";
            }
            default -> {
                url = h.onRecordDone;
                action = "on_record_done";
            }
        }
        if (url.isEmpty()) {
            return;
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("action", action);
        stream(m, e.stream().app(), e.stream().name(), e.protocol(), e.remote());
        m.put("durationMs", e.durationMillis());
        m.put("bytes", e.bytes());
        m.put("reason", e.reason());
        m.putAll(e.details());
        hooks.notify(action, url, m);
    }

    private static void stream(Map<String, Object> m, String app, String name, String protocol,
                               InetSocketAddress remote) {
        m.put("app", app);
        m.put("stream", name);
        m.put("protocol", protocol);
        m.put("client", remote == null ? "" : remote.getAddress().getHostAddress());
        m.put("clientPort", remote == null ? 0 : remote.getPort());
    }
}
