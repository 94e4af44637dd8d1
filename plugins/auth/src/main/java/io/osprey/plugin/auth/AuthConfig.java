package io.osprey.plugin.auth;

import io.osprey.spi.ConfigException;
import io.osprey.spi.PluginConfig;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code plugins.auth}: publish keys per app, the secret that signs play URLs, HTTP callbacks and IP lists. Every
 * part is off until configured, so an enabled auth plugin with an empty section allows everything.
 */
public final class AuthConfig implements PluginConfig {

    /** App (or {@code "*"} for every app without its own entry) to the key a publisher must pass as {@code ?key=}. */
    public Map<String, String> publishKeys = new LinkedHashMap<>();
    /** HMAC-SHA256 secret of signed play URLs; empty: playing needs no signature. */
    public String playSecret = "";
    /** Apps whose playback needs a signature when {@link #playSecret} is set; empty: every app. */
    public List<String> signedApps = new ArrayList<>();
    /** Longest {@code ttl} {@code /api/auth/sign} grants, seconds. */
    public long maxSignTtlSeconds = 7 * 24 * 3600;
    /** The RTMP port {@code /api/auth/sign} puts in {@code rtmp://} play URLs. */
    public int rtmpPort = 1935;
    /** IP lists for publishing. */
    public IpLists publish = new IpLists();
    /** IP lists for playing. */
    public IpLists play = new IpLists();
    /** HTTP callbacks. */
    public Hooks hooks = new Hooks();

    /** CIDR lists: a non-empty {@code allow} admits only those addresses; {@code deny} refuses (and wins). */
    public static final class IpLists {
        public List<String> allow = new ArrayList<>();
        public List<String> deny = new ArrayList<>();
    }

    /** SRS/nginx-rtmp style callbacks: JSON POSTs; onPublish/onPlay decide, the others are notifications. */
    public static final class Hooks {
        public String onPublish = "";
        public String onPlay = "";
        public String onPublishDone = "";
        public String onPlayDone = "";
        public String onRecordDone = "";
        /** How long a deciding callback may take before it counts as a failure. */
        public int timeoutMs = 3000;
        /** Allow when a deciding callback fails or times out (otherwise deny). */
        public boolean failOpen = false;
        /** How long a decision is reused for the same action, stream, client address and parameters; 0: never. */
        public int cacheMs = 5000;
        /** Attempts after the first for a notification that fails, with doubling delays from 500 ms. */
        public int retries = 3;
    }

    @Override
    public void validate() throws ConfigException {
        ConfigException.check(publishKeys != null, "publishKeys", "must be a map of app to key");
        for (Map.Entry<String, String> e : publishKeys.entrySet()) {
            ConfigException.check(e.getValue() != null && !e.getValue().isEmpty(), "publishKeys." + e.getKey(),
                    "must be a non-empty key");
        }
        ConfigException.check(playSecret != null, "playSecret", "must be a string");
        ConfigException.check(playSecret.isEmpty() || playSecret.length() >= 16, "playSecret",
                "must be at least 16 characters");
        ConfigException.check(signedApps != null, "signedApps", "must be a list of apps");
        ConfigException.check(maxSignTtlSeconds > 0, "maxSignTtlSeconds", "must be positive");
        ConfigException.check(rtmpPort > 0 && rtmpPort < 65536, "rtmpPort", "must be 1..65535");
        checkList(publish, "publish");
        checkList(play, "play");
        ConfigException.check(hooks != null, "hooks", "must be a section");
        checkUrl(hooks.onPublish, "hooks.onPublish");
        checkUrl(hooks.onPlay, "hooks.onPlay");
        checkUrl(hooks.onPublishDone, "hooks.onPublishDone");
        checkUrl(hooks.onPlayDone, "hooks.onPlayDone");
        checkUrl(hooks.onRecordDone, "hooks.onRecordDone");
        ConfigException.check(hooks.timeoutMs >= 50 && hooks.timeoutMs <= 60_000, "hooks.timeoutMs",
                "must be 50..60000, was " + hooks.timeoutMs);
        ConfigException.check(hooks.cacheMs >= 0, "hooks.cacheMs", "must not be negative");
        ConfigException.check(hooks.retries >= 0 && hooks.retries <= 10, "hooks.retries", "must be 0..10");
    }

    private static void checkList(IpLists l, String key) {
        ConfigException.check(l != null && l.allow != null && l.deny != null, key, "must have allow/deny lists");
        for (String c : l.allow) {
            checkCidr(c, key + ".allow");
        }
        for (String c : l.deny) {
            checkCidr(c, key + ".deny");
        }
    }

    private static void checkCidr(String c, String key) {
        try {
            Cidr.parse(c);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(key, e.getMessage());
        }
    }

    private static void checkUrl(String url, String key) {
        ConfigException.check(url != null, key, "must be a URL or empty");
        ConfigException.check(url.isEmpty() || url.startsWith("http://") || url.startsWith("https://"), key,
                "must be an http:// or https:// URL, was '" + url + "'");
    }
}
