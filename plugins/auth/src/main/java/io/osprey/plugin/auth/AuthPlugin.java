package io.osprey.plugin.auth;

import io.osprey.spi.Plugin;
import io.osprey.spi.PluginContext;
import io.osprey.spi.Registration;
import io.osprey.spi.metrics.Counter;
import java.lang.System.Logger.Level;

/**
 * The access hook's rules (plugin id {@code auth}): publish keys per app, signed expiring play URLs, HTTP
 * callbacks and IP allow/deny lists, the same on every protocol because every ingest and output asks the kernel's
 * access hook. Reconfigures live: new requests see the new rules, admitted sessions stay.
 */
public final class AuthPlugin implements Plugin {

    private static final System.Logger LOG = System.getLogger(AuthPlugin.class.getName());

    private volatile Rules rules;
    private Webhooks hooks;
    private PluginContext ctx;
    private AuthPolicy policy;
    private Registration registration;

    @Override
    public String id() {
        return "auth";
    }

    @Override
    public Class<?> configType() {
        return AuthConfig.class;
    }

    @Override
    public void start(PluginContext ctx) {
        this.ctx = ctx;
        rules = new Rules(ctx.config(AuthConfig.class));
        Counter decisions = ctx.metrics().counter("osprey_auth_decisions_total",
                "publish and play decisions of the auth plugin", "action", "result", "reason");
        Counter failures = ctx.metrics().counter("osprey_auth_hook_failures_total",
                "HTTP callbacks that failed or timed out (each notification attempt counts)", "hook");
        hooks = new Webhooks(ctx.scheduler(), () -> rules, failures);
        policy = new AuthPolicy(() -> rules, hooks, decisions);
        register();
        AuthApi api = new AuthApi(() -> rules);
        ctx.http().adminRoute("/api/auth", api);
        ctx.http().adminRoute("/api/auth/sign", api);
        describe();
    }

    @Override
    public boolean reconfigure(Object newConfig) {
        rules = new Rules((AuthConfig) newConfig);
        hooks.clearCache();
        register();
        describe();
        return true;
    }

    /** The policy is in the hook only while a rule is set: an empty section costs the hook nothing. */
    private synchronized void register() {
        if (rules.active() && registration == null) {
            registration = ctx.addAccessPolicy(policy);
        } else if (!rules.active() && registration != null) {
            registration.close();
            registration = null;
        }
    }

    private void describe() {
        Rules r = rules;
        LOG.log(Level.INFO, "auth: publish keys for {0}; signed play {1}; callbacks {2}",
                r.keyedApps().isEmpty() ? "no app" : r.keyedApps(),
                r.signer() == null ? "off" : r.config.signedApps.isEmpty() ? "for every app" : r.config.signedApps,
                AuthApi.status(r).get("hooks"));
    }
}
