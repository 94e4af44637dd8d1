package io.osprey.plugin.ratelimit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.osprey.testkit.ConfigDocs;
import org.junit.jupiter.api.Test;

/** Every key of plugins.ratelimit is documented in its schema, and single-key ranges are the kernel's rules. */
class RateLimitConfigDocsTest {

    @Test
    void everyKeyHasADoc() {
        ConfigDocs.assertEveryKeyDocumented(RateLimitConfig.class);
    }

    @Test
    void rangesAreCheckedByTheKernelWithItsWords() throws Exception {
        ConfigDocs.assertRefused("ratelimit", RateLimitConfig.class, "viewers:\n  perStream: -1",
                "viewers.perStream", "must be at least 0, was -1");
        ConfigDocs.assertRefused("ratelimit", RateLimitConfig.class, "requests:\n  perIp:\n    rate: 2e9",
                "requests.perIp.rate", "must be 0..1000000000, was 2.0E9");
        ConfigDocs.assertRefused("ratelimit", RateLimitConfig.class, "requests:\n  total:\n    rate: Infinity",
                "requests.total.rate", "must be 0..1000000000, was Infinity");
        ConfigDocs.assertRefused("ratelimit", RateLimitConfig.class, "requests:\n  total:\n    rate: NaN",
                "requests.total.rate", "must be 0 (off) .. 1e9 requests/s, was NaN");
        ConfigDocs.assertRefused("ratelimit", RateLimitConfig.class, "requests:\n  perIp:\n    burst: 0.5",
                "requests.perIp.burst", "must be at least 1 (or 0 for rate)");
        ConfigDocs.assertRefused("ratelimit", RateLimitConfig.class, "capRetryAfterSeconds: 0",
                "capRetryAfterSeconds", "must be 1..86400, was 0");
        ConfigDocs.assertRefused("ratelimit", RateLimitConfig.class, "hlsViewerIdleMs: 499", "hlsViewerIdleMs",
                "must be 500..600000, was 499");
        ConfigDocs.assertRefused("ratelimit", RateLimitConfig.class, "topRefusedWindowMs: 999",
                "topRefusedWindowMs", "must be at least 1000, was 999");
        RateLimitConfig c = ConfigDocs.bind("ratelimit", RateLimitConfig.class,
                "requests:\n  perIp: { rate: 1e9, burst: 1 }\npublishers:\n  total: 0\nhlsViewerIdleMs: 600000");
        assertEquals(1e9, c.requests.perIp.rate);
        assertEquals(600_000, c.hlsViewerIdleMs);
    }
}
