package io.osprey.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.osprey.testkit.Await;
import io.osprey.testkit.Ffmpeg;
import io.osprey.testkit.TestMedia;
import io.osprey.testkit.TestServer;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Signed play URLs in a real Chromium, as BrowserIT drives it: hls.js plays a signed HLS and LL-HLS (fMP4, parts,
 * blocking reload) playlist URL unchanged (the signature is carried to every segment, part and init section), and
 * mpegts.js plays a signed WebSocket-FLV URL; the same pages without the signature do not play.
 */
class AuthBrowserIT {

    private static final String CONFIG = """
            plugins:
              auth:
                playSecret: browser-secret-0123456789
              hls:
                apps:
                  ll: { format: fmp4 }
            """;

    @Test
    void hlsJsAndMpegtsJsPlaySignedUrlsUnchanged() throws Exception {
        Path site = Path.of(System.getProperty("osprey.dist", "target/osprey")).resolve("web").toAbsolutePath();
        Path home = Files.createTempDirectory("osprey-auth-browser");
        Path logs = Files.createDirectories(Path.of("target", "browser", "logs").toAbsolutePath());
        Path config = Files.writeString(home.resolve("osprey.yaml"), CONFIG);
        Process publisher = null;
        try (TestServer server = TestServer.start(home, config, "server.webDir=" + site)) {
            BrowserDriver browser = new BrowserDriver(server.http(""), TestServer.TOKEN);
            String missing = browser.missing();
            assertNull(missing, missing);
            publisher = Ffmpeg.start(logs.resolve("publish-signed.log"), "-re", "-stream_loop", "-1", "-i",
                    TestMedia.h264Aac(10, 1000).toString(), "-map", "0", "-c", "copy", "-f", "flv",
                    server.rtmp("/live/signed"), "-map", "0", "-c", "copy", "-f", "flv", server.rtmp("/ll/signed"));
            Await.until("both streams live", Duration.ofSeconds(20), () -> live(server, "live/signed")
                    && live(server, "ll/signed"));
            String[] live = urls(server, "live/signed");
            String ll = urls(server, "ll/signed")[0];
            ArrayNode pages = BrowserDriver.JSON.createArrayNode();
            pages.add(BrowserDriver.page("/play.html?url=" + enc(live[0]), "auth-signed-hls"));
            pages.add(BrowserDriver.page("/play.html?ll=1&url=" + enc(ll), "auth-signed-llhls"));
            pages.add(BrowserDriver.page("/?url=" + enc(live[1]), "auth-signed-wsflv"));
            // the stream's fMP4 recording (still recording) through play_merge.html: index.json and every segment
            String q = live[0].substring(live[0].indexOf('?') + 1);
            String[] session = new String[1];
            Await.until("the recording listed", Duration.ofSeconds(20), () -> (session[0] = session(server, q)) != null);
            pages.add(BrowserDriver.page("/play_merge.html?mode=merge&url="
                    + enc("/mp4/live/signed/" + session[0] + "/index.json?" + q), "auth-signed-fmp4"));
            pages.add(BrowserDriver.page("/play.html?app=live&stream=signed", "auth-unsigned-hls")
                    .put("timeoutMs", 6000));
            JsonNode r = browser.run("play", BrowserDriver.args().set("pages", pages));
            for (int i = 0; i < 4; i++) {
                JsonNode p = r.path("pages").get(i);
                assertEquals("playing", p.path("state").asText(), p.toString());
                assertTrue(p.path("played").asDouble() >= 3, p.toString());
                assertEquals(0, p.path("pageErrors").size(), p.toString());
            }
            assertTrue(r.path("pages").get(1).path("info").path("partTarget").asDouble() > 0, "LL-HLS parts");

            JsonNode u = r.path("pages").get(4);
            assertTrue(!"playing".equals(u.path("state").asText()), "unsigned must not play: " + u);

            // the console's play links are signed (console/auth-panel.js asks /api/auth/sign)
            JsonNode c = browser.run("console", BrowserDriver.args().put("playerPath", "/play.html?url=" + enc(live[0]))
                    .put("stream", "live/signed").put("viewers", false).put("screenshot", "auth-console"));
            boolean signedLink = false;
            for (JsonNode l : c.path("card").path("links")) {
                signedLink |= l.path("text").asText().equals("HLS") && l.path("href").asText().contains("url=")
                        && l.path("href").asText().contains("sign%3D");
            }
            assertTrue(signedLink, "a signed HLS link on the console card: " + c.path("card"));
        } finally {
            Ffmpeg.stop(publisher);
        }
    }

    private static boolean live(TestServer s, String stream) {
        try {
            return s.get("/api/streams/" + stream).statusCode() == 200;
        } catch (Exception e) {
            return false;
        }
    }

    /** The newest fMP4 session of live/signed, from /api/recordings, once its index.json answers, or null. */
    private static String session(TestServer s, String signedQuery) {
        try {
            String body = s.get("/api/recordings?stream=live/signed").body();
            Matcher m = Pattern.compile("\"session\"\\s*:\\s*\"(\\d{8}_\\d{6}[^\"]*)\"").matcher(body);
            if (!m.find()) {
                return null;
            }
            String id = m.group(1);
            return s.get("/mp4/live/signed/" + id + "/index.json?" + signedQuery).statusCode() == 200 ? id : null;
        } catch (Exception e) {
            return null;
        }
    }

    /** From /api/auth/sign: the signed HLS URL and the signed WS-FLV URL. */
    private static String[] urls(TestServer s, String stream) throws Exception {
        String body = s.get("/api/auth/sign?stream=" + stream + "&ttl=600").body();
        Matcher m = Pattern.compile("\"wsflv\":\"([^\"]+)\",\"hls\":\"([^\"]+)\"").matcher(body);
        assertTrue(m.find(), body);
        return new String[] {m.group(2), m.group(1)};
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
