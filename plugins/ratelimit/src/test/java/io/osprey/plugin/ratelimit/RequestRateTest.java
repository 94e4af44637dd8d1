package io.osprey.plugin.ratelimit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.osprey.testkit.Await;
import io.osprey.testkit.BoundHttp;
import io.osprey.testkit.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Request rates through the kernel's router, with real clients on several loopback addresses: pages, API and
 * unknown paths alike count, 429 carries a Retry-After that works, other addresses and exempt ones are untouched,
 * a config edit applies to the next request, and a flood of one-off keys leaves no buckets behind.
 */
class RequestRateTest {

    private static final String CONFIG = """
            plugins:
              ratelimit:
                requests:
                  perIp: { rate: 2, burst: 3 }
                  perToken: { rate: 1, burst: 1 }
                exempt: [ "127.0.0.1", "127.0.0.4/32" ]
            """;

    @Test
    void oneAddressOverItsRateGets429WithARetryAfterThatWorks() throws Exception {
        Path home = Files.createTempDirectory("osprey-rl");
        Path config = home.resolve("osprey.yaml");
        Files.writeString(config, CONFIG);
        try (TestServer s = TestServer.start(home, config)) {
            int port = s.httpPort();
            for (int i = 0; i < 3; i++) {
                assertEquals(200, BoundHttp.get("127.0.0.2", port, "/api/health").status(), "burst request " + i);
            }
            BoundHttp.Response over = BoundHttp.get("127.0.0.2", port, "/no/such/page");
            assertEquals(429, over.status(), over.text());
            long retry = Long.parseLong(over.header("Retry-After"));
            assertEquals(1, retry, "2 requests/s: the next token is due within a second");
            assertTrue(over.text().contains("requests.perIp"), over.text());
            // another client is not affected, and neither is an exempt one however fast it asks
            assertEquals(200, BoundHttp.get("127.0.0.3", port, "/api/health").status());
            for (int i = 0; i < 20; i++) {
                assertEquals(200, BoundHttp.get("127.0.0.4", port, "/api/health").status(), "exempt " + i);
            }
            Thread.sleep(retry * 1000); // honour Retry-After, as a client would
            assertEquals(200, BoundHttp.get("127.0.0.2", port, "/api/health").status(), "after Retry-After");

            String api = s.get("/api/ratelimit").body();
            assertTrue(api.contains("\"client\":\"127.0.0.2\""), api);
            assertTrue(api.contains("\"rule\":\"requests.perIp\""), api);
            assertTrue(s.get("/metrics").body()
                    .contains("osprey_ratelimit_refused_total{protocol=\"http\",rule=\"requests.perIp\"} 1.0"));

            // a token is limited wherever it comes from
            assertEquals(200, BoundHttp.get("127.0.0.5", port, "/api/health?token=t1").status());
            BoundHttp.Response token = BoundHttp.get("127.0.0.6", port, "/api/health?a=1&token=t1");
            assertEquals(429, token.status());
            assertTrue(token.text().contains("requests.perToken"), token.text());

            // edit the file: the new rate applies to the next request, no restart
            Files.writeString(config, CONFIG.replace("rate: 2, burst: 3", "rate: 1000, burst: 1000"));
            Await.until("the new limits", Duration.ofSeconds(10),
                    () -> api(s).contains("\"perIp\":{\"rate\":1000.0"));
            for (int i = 0; i < 30; i++) {
                assertEquals(200, BoundHttp.get("127.0.0.2", port, "/api/health").status(), "raised limit " + i);
            }
        }
    }

    @Test
    void bucketsOfOneOffKeysExpireSoMemoryStaysFlat() throws Exception {
        try (TestServer s = TestServer.start("plugins.ratelimit.requests.perToken.rate=0.2",
                "plugins.ratelimit.exempt=[\"127.0.0.1\"]")) {
            for (int i = 0; i < 1500; i++) {
                BoundHttp.get("127.0.0.7", s.httpPort(), "/api/health?token=k" + i);
            }
            assertTrue(gauge(s, "osprey_ratelimit_buckets") >= 1000, "one bucket per key while they are fresh");
            Await.until("idle buckets to expire", Duration.ofSeconds(15),
                    () -> gauge(s, "osprey_ratelimit_buckets") < 10);
        }
    }

    private static String api(TestServer s) {
        try {
            return s.get("/api/ratelimit").body();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static double gauge(TestServer s, String name) {
        try {
            for (String l : s.get("/metrics").body().split("\n")) {
                if (l.startsWith(name + " ")) {
                    return Double.parseDouble(l.substring(name.length() + 1).trim());
                }
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        throw new AssertionError("no metric " + name);
    }
}
