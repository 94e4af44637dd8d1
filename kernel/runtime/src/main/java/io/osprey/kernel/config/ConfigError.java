package io.osprey.kernel.config;

import java.nio.file.Path;

/** A rejected config: which key, in which file (or override), and why. */
public final class ConfigError extends Exception {
    private static final long serialVersionUID = 1L;

    private final String key;
    private final String source;
    private final String reason;

    public ConfigError(String key, String source, String reason) {
        super(source + ": " + (key.isEmpty() ? "" : key + ": ") + reason);
        this.key = key;
        this.source = source;
        this.reason = reason;
    }

    public static ConfigError in(Path file, String key, String reason) {
        return new ConfigError(key, file == null ? "(built-in defaults)" : file.toString(), reason);
    }

    public String key() {
        return key;
    }

    public String source() {
        return source;
    }

    public String reason() {
        return reason;
    }
}
