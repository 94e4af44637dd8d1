package io.osprey.spi;

/**
 * A config value was rejected. The key is relative to where the value was read (a plugin names keys relative to
 * its own section); the kernel prefixes the section and adds the file when it reports the error.
 */
public class ConfigException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String key;

    public ConfigException(String key, String reason) {
        super(key + ": " + reason);
        this.key = key;
    }

    /** The key whose value is wrong, e.g. {@code port} or {@code apps.live.record}. */
    public String key() {
        return key;
    }

    /** Why the value is wrong, without the key. */
    public String reason() {
        String msg = getMessage();
        return msg.substring(key.length() + 2);
    }

    /** Throws a {@code ConfigException} for {@code key} when {@code condition} is false. */
    public static void check(boolean condition, String key, String reason) {
        if (!condition) {
            throw new ConfigException(key, reason);
        }
    }
}
