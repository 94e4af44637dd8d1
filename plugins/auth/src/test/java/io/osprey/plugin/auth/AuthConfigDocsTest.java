package io.osprey.plugin.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.osprey.testkit.ConfigDocs;
import org.junit.jupiter.api.Test;

/** Every key of plugins.auth is documented in its schema, and single-key ranges are the kernel's rules. */
class AuthConfigDocsTest {

    @Test
    void everyKeyHasADoc() {
        ConfigDocs.assertEveryKeyDocumented(AuthConfig.class);
    }

    @Test
    void rangesAreCheckedByTheKernelWithItsWords() throws Exception {
        ConfigDocs.assertRefused("auth", AuthConfig.class, "hooks:\n  timeoutMs: 10", "hooks.timeoutMs",
                "must be 50..60000, was 10");
        ConfigDocs.assertRefused("auth", AuthConfig.class, "hooks:\n  retries: 11", "hooks.retries",
                "must be 0..10, was 11");
        ConfigDocs.assertRefused("auth", AuthConfig.class, "hooks:\n  cacheMs: -1", "hooks.cacheMs",
                "must be at least 0, was -1");
        ConfigDocs.assertRefused("auth", AuthConfig.class, "rtmpPort: 0", "rtmpPort", "must be 1..65535, was 0");
        ConfigDocs.assertRefused("auth", AuthConfig.class, "maxSignTtlSeconds: 0", "maxSignTtlSeconds",
                "must be at least 1, was 0");
        // the edges are accepted, and validate() still runs after the ranges
        AuthConfig c = ConfigDocs.bind("auth", AuthConfig.class, "hooks:\n  timeoutMs: 50\n  retries: 10\n"
                + "  cacheMs: 0\nrtmpPort: 65535\nmaxSignTtlSeconds: 1");
        assertEquals(50, c.hooks.timeoutMs);
        assertEquals(65535, c.rtmpPort);
        ConfigDocs.assertRefused("auth", AuthConfig.class, "playSecret: short", "playSecret",
                "must be at least 16 characters");
    }
}
