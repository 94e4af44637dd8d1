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

    private static final String[] ACTIONS = {"publish", "play"};
    private static final String[] REASONS = {"rules", "ip", "key", "signature", "hook"};
    private static final int RULES = 0;
    private static final int IP = 1;
    private static final int KEY = 2;
    private static final int SIGNATURE = 3;
    private static final int HOOK = 4;

    private final Supplier<Rules> rules;
    private final Webhooks hooks;
    /** The counter children by [action][allowed ? 1 : 0][reason], looked up once (the hot path does no lookups). */
    private final Counter[][][] counted = new Counter[2][2][REASONS.length];

    AuthPolicy(Supplier<Rules> rules, Webhooks hooks, Counter decisions) {
        this.rules = rules;
        this.hooks = hooks;
        for (int a = 0; a < 2; a++) {
            for (int r = 0; r < REASONS.length; r++) {
                counted[a][0][r] = decisions.labels(ACTIONS[a], "deny", REASONS[r]);
                counted[a][1][r] = decisions.labels(ACTIONS[a], "allow", REASONS[r]);
            }
        }
    }

    private void count(Action action, boolean allowed, int reason) {
        counted[action == Action.PUBLISH ? 0 : 1][allowed ? 1 : 0][reason].inc();
    }

    @Override
    public CompletionStage<AccessDecision> check(AccessRequest r) {
        Rules rs = rules.get();
        InetAddress address = r.remote() == null ? null : r.remote().getAddress();
        String ip = (r.action() == Action.PUBLISH ? rs.publishIps : rs.playIps).refusal(address);
        if (ip != null) {
            return deny(r.action(), IP, ip);
        }
        if (r.remote() != null) {
            String why = r.action() == Action.PUBLISH ? rs.publishKeyRefusal(r.stream(), r.params())
                    : rs.signatureRefusal(r.stream(), r.params(), System.currentTimeMillis() / 1000);
            if (why != null) {
                return deny(r.action(), r.action() == Action.PUBLISH ? KEY : SIGNATURE, why);
            }
        }
        CompletionStage<AccessDecision> hook = hooks.decide(rs, r, () -> body(r));
        if (hook == null) {
            count(r.action(), true, RULES);
            return ALLOWED;
        }
        return hook.thenApply(d -> {
            count(r.action(), d.allowed(), HOOK);
            return d;
        });
    }

    private CompletionStage<AccessDecision> deny(Action action, int reasonLabel, String reason) {
        count(action, false, reasonLabel);
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
