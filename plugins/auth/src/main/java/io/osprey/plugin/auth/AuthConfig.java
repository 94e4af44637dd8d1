package io.osprey.plugin.auth;

import io.osprey.spi.ConfigException;
import io.osprey.spi.PluginConfig;
import io.osprey.spi.Setting;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code plugins.auth}: publish keys per app, the secret that signs play URLs, HTTP callbacks and IP lists. Every
 * part is off until configured, so an enabled auth plugin with an empty section allows everything.
 */
public final class AuthConfig implements PluginConfig {

    @Setting("App (or \"*\" for every app without its own entry) to the key a publisher must pass as ?key=.")
    public Map<String, String> publishKeys = new LinkedHashMap<>();
    @Setting("HMAC-SHA256 secret of signed play URLs, at least 16 characters; empty: playing needs no signature.")
    public String playSecret = "";
    @Setting("Apps whose playback needs a signature when playSecret is set; empty: every app.")
    public List<String> signedApps = new ArrayList<>();
    @Setting(value = "Longest ttl /api/auth/sign grants, seconds.", min = 1)
    public long maxSignTtlSeconds = 7 * 24 * 3600;
    @Setting(value = "The RTMP port /api/auth/sign puts in rtmp:// play URLs.", min = 1, max = 65535)
    public int rtmpPort = 1935;
    /** IP lists for publishing. */
    public IpLists publish = new IpLists();
    /** IP lists for playing. */
    public IpLists play = new IpLists();
    /** HTTP callbacks. */
    public Hooks hooks = new Hooks();

    /** CIDR lists: a non-empty {@code allow} admits only those addresses; {@code deny} refuses (and wins). */
    public static final class IpLists {
        @Setting("CIDRs (or single addresses) admitted; non-empty: only these.")
        public List<String> allow = new ArrayList<>();
        @Setting("CIDRs (or single addresses) refused; wins over allow.")
        public List<String> deny = new ArrayList<>();
    }

    /** SRS/nginx-rtmp style callbacks: JSON POSTs; onPublish/onPlay decide, the others are notifications. */
    public static final class Hooks {
        @Setting("http(s):// URL asked before a publish starts; a 2xx answer allows, anything else denies; "
                + "empty: none.")
        public String onPublish = "";
        @Setting("http(s):// URL asked before a play starts; a 2xx answer allows, anything else denies; empty: none.")
        public String onPlay = "";
        @Setting("http(s):// URL told when a publish ends; empty: none.")
        public String onPublishDone = "";
        @Setting("http(s):// URL told when a play ends; empty: none.")
        public String onPlayDone = "";
        @Setting("http(s):// URL told when a recording file is finished; empty: none.")
        public String onRecordDone = "";
        @Setting(value = "How long a deciding callback may take before it counts as a failure, ms.", min = 50,
                max = 60_000)
        public int timeoutMs = 3000;
        @Setting("Allow when a deciding callback fails or times out (otherwise deny).")
        public boolean failOpen = false;
        @Setting(value = "How long a decision is reused for the same action, stream, client address and parameters, "
                + "ms; 0: never.", min = 0)
        public int cacheMs = 5000;
        @Setting(value = "Attempts after the first for a notification that fails, with doubling delays from 500 ms.",
                min = 0, max = 10)
        public int retries = 3;
    }

    @Override
    public void validate() throws ConfigException {
        // the ranges of single keys are their @Setting, checked by the kernel before this
        ConfigException.check(publishKeys != null, "publishKeys", "must be a map of app to key");
        for (Map.Entry<String, String> e : publishKeys.entrySet()) {
            ConfigException.check(e.getValue() != null && !e.getValue().isEmpty(), "publishKeys." + e.getKey(),
                    "must be a non-empty key");
        }
        ConfigException.check(playSecret != null, "playSecret", "must be a string");
        ConfigException.check(playSecret.isEmpty() || playSecret.length() >= 16, "playSecret",
                "must be at least 16 characters");
        ConfigException.check(signedApps != null, "signedApps", "must be a list of apps");
        checkList(publish, "publish");
        checkList(play, "play");
        ConfigException.check(hooks != null, "hooks", "must be a section");
        checkUrl(hooks.onPublish, "hooks.onPublish");
        checkUrl(hooks.onPlay, "hooks.onPlay");
        checkUrl(hooks.onPublishDone, "hooks.onPublishDone");
        checkUrl(hooks.onPlayDone, "hooks.onPlayDone");
        checkUrl(hooks.onRecordDone, "hooks.onRecordDone");
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
