package io.osprey.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.osprey.testkit.Await;
import io.osprey.testkit.Ffmpeg;
import io.osprey.testkit.TestMedia;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * HTTPS on the server itself, OSGi mode ({@code bin/osprey}): a PEM certificate made here by openssl (its key
 * in PKCS#1, as older tools write it), HTTP/2 chosen by ALPN for the API and HLS (curl {@code --http2}), and in
 * Chromium the start page playing HTTP-FLV over https:// and WebSocket-FLV over wss://, the HLS page, and the
 * console with the publish address.
 */
class HttpsIT {

    private static final String CONFIG = """
            server:
              https:
                port: 0
                certFile: ${dir}/cert.pem
                keyFile: ${dir}/key.pem
            """;

    @Test
    void pagesConsoleAndMediaOverHttpsAndHttp2() throws Exception {
        Path conf = Files.createTempDirectory("osprey-tls");
        run(conf, "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=localhost",
                "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost", "-keyout", "key8.pem", "-out", "cert.pem");
        run(conf, "openssl", "rsa", "-in", "key8.pem", "-traditional", "-out", "key.pem");
        try (DistributionProcess server = new DistributionProcess(CONFIG.replace("${dir}", conf.toString()))) {
            server.awaitReady();
            JsonNode info = BrowserDriver.JSON.readTree(server.get("/api/info").body());
            int https = info.path("https").path("port").asInt();
            assertTrue(https > 0, info.toString());
            assertTrue(server.log().contains("HTTPS:") && server.log().contains("https://localhost:" + https + "/"),
                    "the banner names the HTTPS address: " + server.log());
            String base = "https://127.0.0.1:" + https;
            String cacert = conf.resolve("cert.pem").toString();
            assertEquals("2 200", curl(conf, "--http2", "--cacert", cacert, "-o", "/dev/null", "-w",
                    "%{http_version} %{http_code}", base + "/api/info").trim());

            Process publisher = Ffmpeg.start(server.home().resolve("publish.log"), "-re", "-stream_loop", "-1", "-i",
                    TestMedia.h264Aac(10, 1000).toString(), "-c", "copy", "-f", "flv", server.rtmp("/live/tls"));
            try {
                Await.until("the HLS playlist over HTTP/2", Duration.ofSeconds(20), () -> "2 200".equals(
                        curl(conf, "--http2", "--cacert", cacert, "-o", "/dev/null", "-w",
                                "%{http_version} %{http_code}", base + "/hls/live/tls/index.m3u8").trim()));

                BrowserDriver browser = new BrowserDriver(base, ServerUnderTest.TOKEN).insecure();
                String missing = browser.missing();
                assertNull(missing, missing);
                ArrayNode pages = BrowserDriver.JSON.createArrayNode();
                pages.add(BrowserDriver.page("/?app=live&stream=tls", "https-httpflv"));
                pages.add(BrowserDriver.page("/?app=live&stream=tls&ws=1", "https-wsflv"));
                pages.add(BrowserDriver.page("/play.html?app=live&stream=tls", "https-hls"));
                JsonNode r = browser.run("play", BrowserDriver.args().set("pages", pages));
                for (JsonNode p : r.path("pages")) {
                    assertEquals("playing", p.path("state").asText(), p.toString());
                    assertTrue(p.path("played").asDouble() >= 3, p.toString());
                    assertEquals(0, p.path("pageErrors").size(), p.toString());
                }
                assertTrue(r.path("pages").get(0).path("info").path("url").asText().startsWith("https://"),
                        r.toString());
                assertTrue(r.path("pages").get(1).path("info").path("url").asText().startsWith("wss://"),
                        r.toString());

                ObjectNode args = BrowserDriver.args();
                args.put("path", "/?app=live&stream=tls");
                args.put("expect", ":" + server.rtmpPort() + "/");
                args.put("console", true);
                JsonNode a = browser.run("addresses", args);
                assertEquals("https:", a.path("protocol").asText(), a.toString());
                assertEquals("rtmp://127.0.0.1:" + server.rtmpPort() + "/live", a.path("consoleHint").asText(),
                        "the console works over HTTPS: " + a);
            } finally {
                Ffmpeg.stop(publisher);
            }
        }
    }

    private static String curl(Path dir, String... args) {
        List<String> cmd = new ArrayList<>(List.of("curl", "-sS", "--max-time", "5"));
        cmd.addAll(List.of(args));
        try {
            return run(dir, cmd.toArray(new String[0]));
        } catch (IOException | InterruptedException | AssertionError e) {
            return e.toString();
        }
    }

    private static String run(Path dir, String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new AssertionError(String.join(" ", cmd) + ": " + out);
        }
        return out;
    }
}
