package io.osprey.plugin.auth;

import io.osprey.spi.bus.StreamKey;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One immutable compilation of {@link AuthConfig}: what every check reads. A reconfiguration swaps the whole object,
 * so a request sees either the old rules or the new ones, never a mix.
 */
final class Rules {

    private final Map<String, byte[]> publishKeys = new HashMap<>();
    private final PlaySigner signer;
    private final Set<String> signedApps;
    final IpRules publishIps;
    final IpRules playIps;
    final AuthConfig config;

    Rules(AuthConfig c) {
        this.config = c;
        c.publishKeys.forEach((app, key) -> publishKeys.put(app, key.getBytes(StandardCharsets.UTF_8)));
        this.signer = c.playSecret.isEmpty() ? null : new PlaySigner(c.playSecret);
        this.signedApps = Set.copyOf(c.signedApps);
        this.publishIps = IpRules.of(c.publish);
        this.playIps = IpRules.of(c.play);
    }

    /** Whether any rule is set; without one the plugin registers no policy, so the hook stays free. */
    boolean active() {
        AuthConfig.Hooks h = config.hooks;
        return !publishKeys.isEmpty() || signer != null || publishIps.active() || playIps.active()
                || !(h.onPublish + h.onPlay + h.onPublishDone + h.onPlayDone + h.onRecordDone).isEmpty();
    }

    /** Why a publisher with {@code params} may not publish {@code key}, or {@code null}. Constant-time compare. */
    String publishKeyRefusal(StreamKey key, Map<String, String> params) {
        byte[] expected = publishKeys.getOrDefault(key.app(), publishKeys.get("*"));
        if (expected == null) {
            return null;
        }
        String given = params.get("key");
        if (given == null || given.isEmpty()) {
            return "publish key missing";
        }
        return MessageDigest.isEqual(expected, given.getBytes(StandardCharsets.UTF_8)) ? null : "publish key invalid";
    }

    /** Whether playing {@code key} needs a signature. */
    boolean signs(StreamKey key) {
        return signer != null && (signedApps.isEmpty() || signedApps.contains(key.app()));
    }

    /** Why {@code params} do not sign {@code key} now, or {@code null} (also when no signature is needed). */
    String signatureRefusal(StreamKey key, Map<String, String> params, long nowSeconds) {
        return signs(key) ? signer.refusal(key, params, nowSeconds) : null;
    }

    PlaySigner signer() {
        return signer;
    }

    /** Apps that need a publish key (never the keys). */
    List<String> keyedApps() {
        return publishKeys.keySet().stream().sorted().toList();
    }
}
