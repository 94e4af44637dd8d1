package io.osprey.plugin.passthrough;

import io.osprey.spi.ConfigException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code plugins.pass-through-muxer}: the two admission gates, the probe budget, outbound (SSRF) rules, limits,
 * upstream headers and the optional external extractor.
 */
public final class PassthroughConfig implements io.osprey.spi.PluginConfig {

    /** Request headers a client may have passed on to the source ({@link #forwardHeaders}). */
    static final Set<String> FORWARDABLE = Set.of("user-agent", "referer", "cookie", "authorization");

    /** Open downloads plus queued ones; over it a download gets 503 with Retry-After at once. */
    public int maxConnections = 50;
    /** Remuxes (ffmpeg children) running at once; over it a download waits in a FIFO queue. */
    public int maxWorkers = 25;
    /** The longest wait in the worker queue before 503, ms. */
    public long queueTimeoutMs = 30_000;
    /** The Retry-After given with a 503, seconds. */
    public int retryAfterSeconds = 5;
    /** ffprobe runs at once for /info; over it 503 at once. */
    public int maxProbes = 8;
    /** Bytes ffprobe may read to find the streams ({@code -probesize}). */
    public long probeBytes = 5_000_000;
    /** Media time ffprobe may analyse ({@code -analyzeduration}), ms. */
    public long analyzeMs = 5_000;
    /** The whole probe, ms; then it is killed and /info answers 504. */
    public long probeTimeoutMs = 15_000;
    /** A source read that stalls this long ends the job ({@code -rw_timeout}), ms. */
    public long ioTimeoutMs = 10_000;
    /** Redirects followed (each hop checked) before the URL is handed to ffmpeg. */
    public int maxRedirects = 5;
    /** Timeout of the redirect/size check before each download, per connect and per read, ms. */
    public long connectTimeoutMs = 5_000;
    /** Longest output, seconds of media ({@code -t}); 0 for no limit. */
    public long maxDurationSeconds = 0;
    /** Largest output, bytes: the stream is cut (and logged) past it; 0 for no limit. */
    public long maxBytes = 0;
    /** Allow sources on loopback, private, link-local and multicast addresses and on this server. */
    public boolean allowPrivate = false;
    /** Host names or IP literals allowed even when they resolve to private addresses. */
    public List<String> allowHosts = new ArrayList<>();
    /** Headers always sent to sources, e.g. {@code User-Agent}. */
    public Map<String, String> headers = new LinkedHashMap<>();
    /** Client request headers passed on to the source: any of User-Agent, Referer, Cookie, Authorization. */
    public List<String> forwardHeaders = new ArrayList<>();
    /** The resolver used when a request names none: {@code auto} (hls for .m3u8, else direct), or a name. */
    public String resolver = "auto";
    /** {@code Access-Control-Allow-Origin} on the public endpoints; empty for none. */
    public String corsOrigin = "";
    /** The external extractor resolver ({@code command}), off by default. */
    public Command command = new Command();

    /** {@code plugins.pass-through-muxer.command}: e.g. {@code yt-dlp -J --no-playlist {url}}. */
    public static final class Command {
        public boolean enabled = false;
        /** The executable, absolute or on PATH. */
        public String executable = "";
        /** Its arguments; {@code {url}} is replaced by the client's URL (one argument, never a shell). */
        public List<String> args = new ArrayList<>(List.of("-J", "--no-playlist", "--no-warnings", "{url}"));
        /** The longest run, ms. */
        public long timeoutMs = 20_000;
        /** The most JSON read from it. */
        public int maxOutputBytes = 8 << 20;
    }

    @Override
    public void validate() {
        ConfigException.check(maxConnections >= 1, "maxConnections", "must be at least 1");
        ConfigException.check(maxWorkers >= 1 && maxWorkers <= maxConnections, "maxWorkers",
                "must be 1..maxConnections (" + maxConnections + ")");
        ConfigException.check(queueTimeoutMs >= 0, "queueTimeoutMs", "must not be negative");
        ConfigException.check(retryAfterSeconds >= 1, "retryAfterSeconds", "must be at least 1");
        ConfigException.check(maxProbes >= 1, "maxProbes", "must be at least 1");
        ConfigException.check(probeBytes >= 32, "probeBytes", "must be at least 32");
        ConfigException.check(analyzeMs >= 0, "analyzeMs", "must not be negative");
        ConfigException.check(probeTimeoutMs >= 100, "probeTimeoutMs", "must be at least 100");
        ConfigException.check(ioTimeoutMs >= 100, "ioTimeoutMs", "must be at least 100");
        ConfigException.check(maxRedirects >= 0 && maxRedirects <= 20, "maxRedirects", "must be 0..20");
        ConfigException.check(connectTimeoutMs >= 100, "connectTimeoutMs", "must be at least 100");
        ConfigException.check(maxDurationSeconds >= 0, "maxDurationSeconds", "must not be negative");
        ConfigException.check(maxBytes >= 0, "maxBytes", "must not be negative");
        ConfigException.check(allowHosts != null && allowHosts.stream().allMatch(h -> h != null && !h.isBlank()),
                "allowHosts", "must be a list of host names");
        ConfigException.check(headers != null && headers.entrySet().stream().allMatch(e -> token(e.getKey())
                && e.getValue() != null && e.getValue().chars().noneMatch(c -> c == '\r' || c == '\n')),
                "headers", "must map header names to single-line values");
        ConfigException.check(forwardHeaders != null && forwardHeaders.stream()
                .allMatch(h -> h != null && FORWARDABLE.contains(h.toLowerCase())), "forwardHeaders",
                "may list only User-Agent, Referer, Cookie, Authorization");
        ConfigException.check(resolver != null && resolver.matches("[a-z0-9][a-z0-9-]{0,31}"), "resolver",
                "must be auto or a resolver name");
        ConfigException.check(corsOrigin != null, "corsOrigin", "must be a string");
        ConfigException.check(command != null, "command", "must be a section");
        ConfigException.check(!command.enabled || !command.executable.isBlank(), "command.executable",
                "must name the extractor when command.enabled is true");
        ConfigException.check(command.args != null && command.args.contains("{url}"), "command.args",
                "must contain {url}");
        ConfigException.check(command.timeoutMs >= 100, "command.timeoutMs", "must be at least 100");
        ConfigException.check(command.maxOutputBytes >= 1024, "command.maxOutputBytes", "must be at least 1024");
    }

    private static boolean token(String name) {
        return name != null && name.matches("[A-Za-z0-9!#$%&'*+.^_`|~-]{1,64}");
    }
}
